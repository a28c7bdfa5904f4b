/**
 * Yellow and red cards (黄牌/红牌): a unit whose evaluated indicator falls below (or, for
 * indicators where more is worse, rises above) a configured threshold gets a card. Red outranks
 * yellow; a card once given is only ever upgraded, never downgraded, by a later run.
 */
export type CardColour = 'yellow' | 'red';

/** Either a "below" pair (rates where more is better) or an "above" pair (e.g. 返工率 rework rate). */
export type CardThreshold =
  | { indicator: string; yellowBelow: number; redBelow: number }
  | { indicator: string; yellowAbove: number; redAbove: number };

export interface IndicatorValue {
  unitId: string;
  indicator: string;
  /** null or NaN: no figure for the period (nothing to judge), never a card. */
  value: number | null;
}

export interface CardDecision {
  unitId: string;
  indicator: string;
  value: number;
  colour: CardColour;
  /** The threshold the value crossed. */
  threshold: number;
}

export function decideCards(values: readonly IndicatorValue[], thresholds: readonly CardThreshold[]): CardDecision[] {
  const byIndicator = new Map(thresholds.map((t) => [t.indicator, t]));
  const out: CardDecision[] = [];
  for (const v of values) {
    const t = byIndicator.get(v.indicator);
    if (!t || v.value === null || !Number.isFinite(v.value)) continue;
    const card = judge(v.value, t);
    if (card) out.push({ unitId: v.unitId, indicator: v.indicator, value: v.value, ...card });
  }
  return out;
}

function judge(value: number, t: CardThreshold): { colour: CardColour; threshold: number } | null {
  if ('redBelow' in t) {
    if (value < t.redBelow) return { colour: 'red', threshold: t.redBelow };
    if (value < t.yellowBelow) return { colour: 'yellow', threshold: t.yellowBelow };
    return null;
  }
  if (value > t.redAbove) return { colour: 'red', threshold: t.redAbove };
  if (value > t.yellowAbove) return { colour: 'yellow', threshold: t.yellowAbove };
  return null;
}

/** The colour a stored card ends with after a new decision: upgraded, never downgraded. */
export function mergeColour(existing: CardColour | null, next: CardColour): CardColour {
  return existing === 'red' || next === 'red' ? 'red' : 'yellow';
}

/** Problems with a threshold list, each with its path (e.g. "cards.1.redBelow"); empty when valid. */
export function thresholdProblems(thresholds: readonly CardThreshold[]): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  thresholds.forEach((t, i) => {
    if (seen.has(t.indicator)) problems.push({ path: `cards.${i}.indicator`, message: `indicator "${t.indicator}" is listed twice; keep one entry per indicator` });
    seen.add(t.indicator);
    if ('redBelow' in t && t.redBelow > t.yellowBelow) {
      problems.push({ path: `cards.${i}.redBelow`, message: `redBelow (${t.redBelow}) must not exceed yellowBelow (${t.yellowBelow})` });
    }
    if ('redAbove' in t && t.redAbove < t.yellowAbove) {
      problems.push({ path: `cards.${i}.redAbove`, message: `redAbove (${t.redAbove}) must not be under yellowAbove (${t.yellowAbove})` });
    }
  });
  return problems;
}
