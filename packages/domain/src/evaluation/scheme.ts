/**
 * An evaluation scheme is data: indicators (formulas over the named counts), composites (weighted
 * indicators scored 0–100 per object type), grade bands, red/black list sizes and the three
 * indices. Schemes are versioned by the server; this module checks one and scores with it.
 */
import { COUNTS, isCountId } from './counts.ts';
import { type Expr, evaluate, FormulaError, parseFormula, refsOf } from './formula.ts';

export const OBJECT_TYPES = ['district', 'street', 'community', 'grid', 'department', 'post', 'person'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export interface IndicatorDef {
  id: string;
  zh: string;
  en: string;
  formula: string;
  /** How to show it: a rate as a percentage, hours, or a plain number. */
  format: 'percent' | 'hours' | 'number';
  definition?: string | undefined;
}

/**
 * value → score 0–100. `rate`: value × 100; `inverse_rate`: (1 − value) × 100; `relative`: value
 * over the best value among the objects compared; `linear`: worst → 0, best → 100, clamped.
 */
export type Mapping = { kind: 'rate' } | { kind: 'inverse_rate' } | { kind: 'relative' } | { kind: 'linear'; worst: number; best: number };

export interface CompositeItem {
  indicator: string;
  weight: number;
  mapping: Mapping;
}

export interface CompositeDef {
  id: string;
  zh: string;
  en: string;
  objectType: ObjectType;
  /** For posts and persons: the role this composite judges (监督员 = grid_worker …). */
  role?: string | undefined;
  items: CompositeItem[];
}

export interface IndexComponent {
  /** An indicator of the district for the month, or an input entered per month (development figures). */
  source: 'indicator' | 'input';
  code: string;
  zh: string;
  en: string;
  weight: number;
  mapping: Mapping;
}

export interface IndexDef {
  id: 'development' | 'service' | 'governance';
  zh: string;
  en: string;
  components: IndexComponent[];
}

export interface Scheme {
  name: string;
  indicators: IndicatorDef[];
  composites: CompositeDef[];
  /** Lowest score of each grade, best first; the last grade takes everything below. */
  grades: Array<{ grade: string; min: number }>;
  redList: number;
  blackList: number;
  indices: IndexDef[];
}

export interface CompiledScheme extends Scheme {
  formulas: Map<string, Expr>;
}

/** Problems with a scheme, as `path: message`; empty when it can be used. */
export function schemeProblems(s: Scheme): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  s.indicators.forEach((ind, i) => {
    if (ids.has(ind.id)) out.push(`indicators.${i}.id: "${ind.id}" appears twice`);
    ids.add(ind.id);
    try {
      for (const r of refsOf(parseFormula(ind.formula))) {
        if (!isCountId(r)) out.push(`indicators.${i}.formula: "${r}" is not a count; counts are ${COUNTS.map((c) => c.id).join(', ')}`);
      }
    } catch (e) {
      if (!(e instanceof FormulaError)) throw e;
      out.push(`indicators.${i}.formula: ${e.message}`);
    }
  });
  const mappingProblem = (m: Mapping, path: string) => {
    if (m.kind === 'linear' && m.worst === m.best) out.push(`${path}.mapping: worst and best must differ`);
  };
  s.composites.forEach((c, i) => {
    if (!c.items.length) out.push(`composites.${i}.items: at least one indicator`);
    let total = 0;
    c.items.forEach((it, j) => {
      if (!ids.has(it.indicator)) out.push(`composites.${i}.items.${j}.indicator: no indicator "${it.indicator}" in this scheme`);
      if (!(it.weight > 0)) out.push(`composites.${i}.items.${j}.weight: must be above 0`);
      total += it.weight;
      mappingProblem(it.mapping, `composites.${i}.items.${j}`);
    });
    if (c.items.length && Math.abs(total - 100) > 1e-6) out.push(`composites.${i}.items: weights add up to ${total}, not 100`);
    if ((c.objectType === 'post' || c.objectType === 'person') && !c.role) out.push(`composites.${i}.role: a ${c.objectType} composite names the role it judges`);
  });
  for (let i = 1; i < s.grades.length; i++) {
    if ((s.grades[i] as { min: number }).min >= (s.grades[i - 1] as { min: number }).min) out.push(`grades.${i}.min: grades go from best to worst with falling minimums`);
  }
  if (!s.grades.length) out.push('grades: at least one grade');
  s.indices.forEach((x, i) => {
    let total = 0;
    x.components.forEach((c, j) => {
      if (c.source === 'indicator' && !ids.has(c.code)) out.push(`indices.${i}.components.${j}.code: no indicator "${c.code}" in this scheme`);
      if (c.source === 'input' && !/^[a-z][a-z0-9_]{0,63}$/.test(c.code)) out.push(`indices.${i}.components.${j}.code: an input code is lower-case letters, digits and _`);
      if (c.mapping.kind === 'relative') out.push(`indices.${i}.components.${j}.mapping: an index has one object, so "relative" means nothing; use rate, inverse_rate or linear`);
      mappingProblem(c.mapping, `indices.${i}.components.${j}`);
      total += c.weight;
    });
    if (x.components.length && Math.abs(total - 100) > 1e-6) out.push(`indices.${i}.components: weights add up to ${total}, not 100`);
  });
  return out;
}

export function compile(s: Scheme): CompiledScheme {
  return { ...s, formulas: new Map(s.indicators.map((i) => [i.id, parseFormula(i.formula)])) };
}

/** The indicators of one object from its counts (null: nothing to divide by). */
export function indicatorValues(s: CompiledScheme, counts: (id: string) => number | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [id, f] of s.formulas) out[id] = evaluate(f, counts);
  return out;
}

const clamp = (x: number) => Math.max(0, Math.min(100, x));

/** One indicator value → score; `best` is the best value among the compared objects (relative). */
export function score(m: Mapping, value: number, best: number | null): number {
  switch (m.kind) {
    case 'rate':
      return clamp(value * 100);
    case 'inverse_rate':
      return clamp((1 - value) * 100);
    case 'relative':
      return best && best > 0 ? clamp((value / best) * 100) : 0;
    case 'linear':
      return clamp(((value - m.worst) / (m.best - m.worst)) * 100);
  }
}

/**
 * A weighted score; items without a value are left out and the remaining weights scaled up, so
 * "nothing due" neither helps nor hurts. Null when no item has a value.
 */
export function weighted(items: Array<{ weight: number; score: number | null }>): number | null {
  let w = 0;
  let sum = 0;
  for (const it of items) {
    if (it.score === null) continue;
    w += it.weight;
    sum += it.weight * it.score;
  }
  return w > 0 ? sum / w : null;
}

export function gradeOf(s: Scheme, value: number | null): string | null {
  if (value === null) return null;
  for (const g of s.grades) if (value >= g.min) return g.grade;
  return s.grades[s.grades.length - 1]?.grade ?? null;
}

/** Competition ranking (1, 2, 2, 4) of scores, best first; null scores are unranked. */
export function ranks(scores: Array<number | null>): Array<number | null> {
  const order = scores.map((x, i) => [x, i] as const).filter((p): p is readonly [number, number] => p[0] !== null);
  order.sort((a, b) => b[0] - a[0]);
  const out: Array<number | null> = scores.map(() => null);
  order.forEach(([x, i], k) => {
    const prev = k > 0 ? order[k - 1] : undefined;
    out[i] = prev && Math.abs(prev[0] - x) < 1e-9 ? (out[prev[1]] as number) : k + 1;
  });
  return out;
}
