/**
 * What a target looks like on the way in: the JSON body of create/update/import (zod), and the
 * CSV form of an import (one target per row; milestones "code=YYYY-MM-DD=name|…", co-units "|"-separated).
 */
import { ACCRUALS, CADENCES, DIRECTIONS, TARGET_KINDS } from '@onegrid/domain/targets/kinds';
import { z } from 'zod';
import { type FileProblem, parseCsv, type RowWhere, readDataFile } from '../../platform/data-file.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2024-12-31');
export const milestoneSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, '1–32 letters, digits or _ . -'),
  name: z.string().min(1).max(200),
  due: date,
});

export const targetInputSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1–64 letters, digits or _ . -'),
  name: z.string().min(1).max(200).describe('中文名称'),
  nameEn: z.string().max(200).nullish(),
  category: z.string().min(1).max(40).describe('e.g. 经济发展, 科技创新, 民生, 生态, 城市建设, 数字重庆'),
  kind: z.enum(TARGET_KINDS),
  metric: z.string().max(64).nullish(),
  unitOfMeasure: z.string().max(20).nullish().describe('%, 亿元, 天, 人, 家, 个'),
  direction: z.enum(DIRECTIONS).nullish(),
  accrual: z.enum(ACCRUALS).nullish().describe('cumulative (builds up over the year) or level (must hold at each report); growth_pct is always a level'),
  baselineValue: z.number().nullish(),
  baselineYear: z.number().int().nullish(),
  targetValue: z.number().nullish(),
  tolerance: z.number().min(0).max(0.99).optional().describe('relative at-risk band, default 0.1'),
  milestones: z.array(milestoneSchema).max(50).optional(),
  graceDays: z.number().int().min(0).max(365).optional().describe('days a task milestone may be late and still be at risk, default 30'),
  deadline: date.optional().describe('default 31 December of the year'),
  leadUnit: z.string().min(1).describe('牵头单位: unit id or code'),
  coUnits: z.array(z.string().min(1)).max(50).optional().describe('配合单位: unit ids or codes'),
  cadence: z.enum(CADENCES).optional().describe('reporting cadence, default monthly'),
  sourceQuote: z.string().max(2000).nullish().describe('the sentence of the work report it comes from'),
  note: z.string().max(2000).nullish(),
});
export type TargetInput = z.infer<typeof targetInputSchema>;

const CSV_COLUMNS = [
  'year',
  'code',
  'name',
  'name_en',
  'category',
  'kind',
  'metric',
  'unit_of_measure',
  'direction',
  'accrual',
  'baseline_value',
  'baseline_year',
  'target_value',
  'tolerance',
  'milestones',
  'grace_days',
  'deadline',
  'lead_unit',
  'co_units',
  'cadence',
  'source_quote',
  'note',
] as const;
const REQUIRED = ['year', 'code', 'name', 'category', 'kind', 'lead_unit'];

const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : Number(s));
const text = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

function fromCsvRow(r: Record<string, string>): Record<string, unknown> {
  const milestones = text(r.milestones)
    ?.split('|')
    .map((m) => {
      const [code, due, ...name] = m.split('=');
      return { code: code?.trim(), due: due?.trim(), name: name.join('=').trim() };
    });
  const o: Record<string, unknown> = {
    year: num(r.year),
    code: text(r.code),
    name: text(r.name),
    nameEn: text(r.name_en),
    category: text(r.category),
    kind: text(r.kind),
    metric: text(r.metric),
    unitOfMeasure: text(r.unit_of_measure),
    direction: text(r.direction),
    accrual: text(r.accrual),
    baselineValue: num(r.baseline_value),
    baselineYear: num(r.baseline_year),
    targetValue: num(r.target_value),
    tolerance: num(r.tolerance),
    milestones,
    graceDays: num(r.grace_days),
    deadline: text(r.deadline),
    leadUnit: text(r.lead_unit),
    coUnits: text(r.co_units)?.split('|').map((c) => c.trim()),
    cadence: text(r.cadence),
    sourceQuote: text(r.source_quote),
    note: text(r.note),
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * An import body → inputs, each with where it came from, plus every problem found: a JSON array,
 * `{"targets": [...]}`, or CSV text with the header `year,code,name,…` (CSV_COLUMNS).
 */
export function parseTargetFile(file: unknown): { items: Array<{ where: RowWhere; input: TargetInput }>; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const items: Array<{ where: RowWhere; input: TargetInput }> = [];
  const take = (raw: unknown, where: RowWhere) => {
    const r = targetInputSchema.safeParse(raw);
    if (r.success) items.push({ where, input: r.data });
    else problems.push({ ...where, reason: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  };
  const doc = readDataFile(file);
  if ('problem' in doc) return { items, problems: [doc.problem] };
  if ('csv' in doc) {
    const { records, problem } = parseCsv(doc.csv);
    if (problem) return { items, problems: [problem] };
    const [header, ...rows] = records;
    const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
    const missing = REQUIRED.filter((c) => !names.includes(c));
    if (!header || missing.length) return { items, problems: [{ line: header?.line ?? 1, reason: `the header lacks ${missing.join(', ')}; columns: ${CSV_COLUMNS.join(',')}` }] };
    for (const r of rows) {
      if (r.fields.length !== names.length) problems.push({ line: r.line, reason: `${r.fields.length} fields where the header has ${names.length}` });
      else take(fromCsvRow(Object.fromEntries(names.map((c, i) => [c, r.fields[i] ?? '']))), { line: r.line });
    }
    return { items, problems };
  }
  const list = Array.isArray(doc.json) ? doc.json : (doc.json as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(list)) return { items, problems: [{ index: -1, reason: 'expected a JSON array of targets, {"targets": [...]}, or CSV' }] };
  for (const [index, raw] of list.entries()) take(raw, { index });
  return { items, problems };
}
