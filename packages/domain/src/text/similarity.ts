/**
 * Text similarity for short Chinese reports: Dice coefficient over character bigrams of the
 * normalised text. Cheap, language-agnostic and robust to the word-order changes and typos that
 * separate two people's descriptions of one pothole.
 */
const FULLWIDTH = /[\uff01-\uff5e]/g;

export function normalise(text: string): string {
  return text
    .replace(FULLWIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function bigrams(text: string): Set<string> {
  const t = normalise(text);
  const out = new Set<string>();
  if (t.length === 1) out.add(t);
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const g of small) if (large.has(g)) common++;
  return (2 * common) / (a.size + b.size);
}
