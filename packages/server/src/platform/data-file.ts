/**
 * Import files (units, gazetteer, devices): CSV or GeoJSON, told apart by their first character,
 * with every problem located by CSV line or GeoJSON feature index.
 */

/** A bad row: `line` in a CSV file (the header is line 1), `index` of a GeoJSON feature (-1: the file). */
export interface FileProblem {
  line?: number;
  index?: number;
  reason: string;
}

/** A text that starts like JSON is parsed as JSON; other text is CSV; an object is JSON already. */
export function readDataFile(file: unknown): { csv: string } | { json: unknown } | { problem: FileProblem } {
  if (typeof file !== 'string') return { json: file };
  const text = file.replace(/^\ufeff/, '');
  if (!/^\s*[{[]/.test(text)) return { csv: file };
  try {
    return { json: JSON.parse(text) };
  } catch (e) {
    return { problem: { index: -1, reason: `the file looks like JSON but does not parse (${(e as Error).message})` } };
  }
}

/** RFC 4180 records with the physical line each starts on; a quoted field may span lines. */
export function parseCsv(text: string): { records: Array<{ line: number; fields: string[] }>; problem: FileProblem | null } {
  const records: Array<{ line: number; fields: string[] }> = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) return { records, problem: { line: start, reason: 'a quoted field is never closed' } };
          const c = s[i] as string;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
      }
      while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
      fields.push(field);
      field = '';
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '\r') i++;
      if (s[i] === '\n') i++;
      line++;
      break;
    }
    if (fields.length > 1 || (fields[0] ?? '').trim() !== '') records.push({ line: start, fields });
  }
  return { records, problem: null };
}

/** Where a row came from: its CSV line, or its feature's index in a GeoJSON file. */
export type RowWhere = { line: number } | { index: number };

/**
 * A CSV file (with a header naming at least `required`) or a GeoJSON FeatureCollection of points
 * → one draft per row or feature, and every problem found. A point's coordinates arrive as `lng`
 * and `lat` beside its properties; `draftOf` answers a draft or the reason the row is bad.
 */
export function parsePointFile<D>(
  file: unknown,
  columns: { required: readonly string[]; optional?: readonly string[] },
  draftOf: (raw: Record<string, unknown>, where: RowWhere) => D | string,
): { drafts: D[]; problems: FileProblem[] } {
  const expected = [...columns.required, ...(columns.optional ?? [])].join(',');
  const drafts: D[] = [];
  const problems: FileProblem[] = [];
  const take = (raw: Record<string, unknown>, where: RowWhere) => {
    const d = draftOf(raw, where);
    if (typeof d === 'string') problems.push({ ...where, reason: d });
    else drafts.push(d);
  };
  const doc = readDataFile(file);
  if ('problem' in doc) return { drafts, problems: [doc.problem] };
  if ('csv' in doc) {
    const { records, problem } = parseCsv(doc.csv);
    if (problem) problems.push(problem);
    const [header, ...rows] = records;
    if (!header) return { drafts, problems: [{ line: 1, reason: `the file is empty; expected the header ${expected}` }] };
    const names = header.fields.map((f) => f.trim().toLowerCase());
    const missing = columns.required.filter((c) => !names.includes(c));
    if (missing.length > 0) return { drafts, problems: [{ line: header.line, reason: `the header lacks ${missing.join(', ')}; expected ${expected}` }] };
    for (const r of rows) {
      if (r.fields.length !== names.length) problems.push({ line: r.line, reason: `${r.fields.length} fields where the header has ${names.length}` });
      else take(Object.fromEntries(names.map((c, i) => [c, r.fields[i]])), { line: r.line });
    }
    return { drafts, problems };
  }
  const d = doc.json as { type?: unknown; features?: unknown } | null;
  if (!d || typeof d !== 'object' || d.type !== 'FeatureCollection' || !Array.isArray(d.features)) {
    return { drafts, problems: [{ index: -1, reason: `the file is neither CSV (${expected}) nor a GeoJSON FeatureCollection of points` }] };
  }
  (d.features as unknown[]).forEach((f, index) => {
    const feature = f as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null };
    const coords = feature?.geometry?.coordinates;
    if (feature?.type !== 'Feature' || feature.geometry?.type !== 'Point' || !Array.isArray(coords)) {
      problems.push({ index, reason: 'not a GeoJSON Feature with a Point geometry' });
      return;
    }
    take({ ...(feature.properties ?? {}), lng: coords[0], lat: coords[1] }, { index });
  });
  return { drafts, problems };
}
