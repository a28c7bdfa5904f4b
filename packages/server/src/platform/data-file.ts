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
