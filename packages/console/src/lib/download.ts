/** Downloads an authenticated file (exports) through a blob link. */
import { ApiError, apiHeaders } from '../api/client.ts';

export async function download(url: string, filename: string): Promise<void> {
  const r = await fetch(url, { headers: apiHeaders() });
  if (!r.ok) {
    const j = (await r.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(r.status, j.error?.code ?? `HTTP_${r.status}`, j.error?.message ?? r.statusText);
  }
  const href = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(href);
}
