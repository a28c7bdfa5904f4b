/**
 * Builds category rows from the shipped GB/T 47678.5-2026 table and a deployment's defaults file
 * (time limits, conditions, responsible unit per major class, with per-code overrides).
 */
import fs from 'node:fs';
import { STAGES, URGENCIES, type StageLimit, type StageLimits, type Urgency } from '@onegrid/domain/case/sla';
import type { CategoryRow } from '../../db/schema.ts';

export const STANDARD = 'GB/T 47678.5-2026';

export interface CatalogueEntry {
  kind: 'component' | 'matter';
  majorCode: string;
  majorName: string;
  code: string;
  name: string;
}

export function readCatalogue(file: string): CatalogueEntry[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = lines.shift();
  if (header !== 'kind,major_code,major_name,code,name') throw new Error(`${file}: unexpected header ${header}`);
  return lines.map((line, i) => {
    const [kind, majorCode, majorName, code, name] = line.split(',');
    if ((kind !== 'component' && kind !== 'matter') || !majorCode || !majorName || !code || !name) {
      throw new Error(`${file}:${i + 2}: malformed row`);
    }
    return { kind, majorCode, majorName, code, name };
  });
}

type PartialLimits = Partial<Record<(typeof STAGES)[number], StageLimit>>;
interface DefaultsRule {
  match: { kind: 'component' | 'matter'; major?: string; code?: string };
  responsible?: string;
  urgency?: Urgency;
  limits?: PartialLimits;
  urgentLimits?: PartialLimits;
  emergencyLimits?: PartialLimits;
  registerCondition?: string;
  closeCondition?: string;
  autoDispatch?: boolean;
  dedupRadiusM?: number;
}
export interface DefaultsFile {
  version: string;
  stageLimits: { default: StageLimits; urgent?: Partial<StageLimits>; emergency?: Partial<StageLimits> };
  rules: DefaultsRule[];
}

export type LimitsByUrgency = Record<Urgency, StageLimits>;

/** When a deployment gives no limit for a faster urgency, the stage limit shrinks by this factor. */
const URGENCY_FACTOR: Record<Urgency, number> = { normal: 1, urgent: 0.5, emergency: 0.25 };

function scaled(l: StageLimits, f: number): StageLimits {
  return Object.fromEntries(STAGES.map((s) => [s, { amount: l[s].amount * f, unit: l[s].unit }])) as StageLimits;
}

export function resolveCategory(entry: CatalogueEntry, defaults: DefaultsFile) {
  const base = defaults.rules.find((r) => r.match.kind === entry.kind && r.match.major === entry.majorCode && !r.match.code);
  const specific = defaults.rules.find((r) => r.match.kind === entry.kind && r.match.code === entry.code);
  const pick = <K extends keyof DefaultsRule>(k: K): DefaultsRule[K] | undefined => specific?.[k] ?? base?.[k];
  const normal: StageLimits = { ...defaults.stageLimits.default, ...base?.limits, ...specific?.limits };
  const limits: LimitsByUrgency = {
    normal,
    urgent: { ...scaled(normal, URGENCY_FACTOR.urgent), ...defaults.stageLimits.urgent, ...base?.urgentLimits, ...specific?.urgentLimits },
    emergency: {
      ...scaled(normal, URGENCY_FACTOR.emergency),
      ...defaults.stageLimits.emergency,
      ...base?.emergencyLimits,
      ...specific?.emergencyLimits,
    },
  };
  return {
    urgency: pick('urgency') ?? 'normal',
    limits,
    responsible: pick('responsible') ?? 'street',
    registerCondition: pick('registerCondition') ?? null,
    closeCondition: pick('closeCondition') ?? null,
    autoDispatch: pick('autoDispatch') ?? false,
    dedupRadiusM: pick('dedupRadiusM') ?? 100,
  };
}

/**
 * `responsible` in the defaults names a unit code ('street' = the town/street the case lies in);
 * the row keeps the code, resolved to a unit id at routing time so renames need no migration.
 */
export function categoryRows(districtId: string, entries: CatalogueEntry[], defaults: DefaultsFile): CategoryRow[] {
  return entries.map((e) => {
    const r = resolveCategory(e, defaults);
    return {
      district_id: districtId,
      kind: e.kind,
      code: e.code,
      major_code: e.majorCode,
      major_name: e.majorName,
      name: e.name,
      standard: STANDARD,
      local: 0,
      default_urgency: r.urgency,
      limits: JSON.stringify(r.limits),
      register_condition: r.registerCondition,
      close_condition: r.closeCondition,
      responsible: r.responsible,
      auto_dispatch: r.autoDispatch ? 1 : 0,
      dedup_radius_m: r.dedupRadiusM,
      active: 1,
    };
  });
}

export function isUrgency(s: string): s is Urgency {
  return (URGENCIES as readonly string[]).includes(s);
}
