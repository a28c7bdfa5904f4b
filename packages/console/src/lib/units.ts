/** Units of the given kinds as select options (dispatch targets, co-handlers), fetched once per set of kinds. */
import { api, ok } from '../api/client.ts';

type Kind = 'department' | 'street' | 'community';
const cache = new Map<string, Promise<Array<{ value: string; label: string }>>>();

export function unitOptions(kinds: readonly Kind[]): Promise<Array<{ value: string; label: string }>> {
  const key = kinds.join(',');
  let p = cache.get(key);
  if (!p) {
    p = Promise.all(kinds.map((kind) => ok(api.GET('/api/v1/units', { params: { query: { kind, limit: 1000 } } })))).then((rs) =>
      rs.flatMap((r) => r.items.map((u) => ({ value: u.id, label: u.name }))),
    );
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
