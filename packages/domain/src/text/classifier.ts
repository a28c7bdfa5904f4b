/**
 * Description → category classifier (issue 3 §2). Pure and synchronous so the server, the CLI,
 * the benches and the browser console share one implementation: the caller brings the word
 * tokens (the server cuts them with jieba), this file adds character n-grams of the normalised
 * text, weighs them (sublinear tf × idf, unit length) and scores them with a multinomial
 * logistic regression trained by SGD with L2. Probabilities are temperature-calibrated on a
 * validation slice so that a suggestion's confidence reads as its chance of being right.
 *
 * A model is plain JSON (stored in the database, shipped to the console); the arrays the hot
 * path needs are compiled from it once per model object.
 */
import { seededRandom as mulberry32 } from '../random.ts';

export const MODEL_FORMAT = 'onegrid-text-lr/1';

export interface LabelledText {
  text: string;
  /** Word tokens of `text` (any segmenter; may be empty). */
  tokens: readonly string[];
  /** An opaque class name, e.g. "matter:06010". */
  label: string;
}

export interface TrainOptions extends Partial<FeatureSpec> {
  /** Shuffling seed: the same examples, options and seed give the same model, bit for bit. */
  seed?: number;
  epochs?: number;
  /** Initial SGD step; it decays as 1 / (1 + step·l2·t). */
  learningRate?: number;
  /** L2 penalty per example. */
  l2?: number;
  /** A feature seen in fewer training texts than this is dropped. */
  minCount?: number;
  /** A (feature, label) weight exists once they occur together in this many texts. */
  minPairCount?: number;
  /** Weight of word (and word-pair) features next to character uni- and bigrams. */
  wordWeight?: number;
  /** Weight of character n-grams of three characters or more. */
  trigramWeight?: number;
  /** Average the weights at the end of each epoch after the first. */
  average?: boolean;
  maxFeatures?: number;
  /** Share of the training examples set aside (by text hash) to fit the temperature. */
  validationShare?: number;
  /** Retrain on every example once the temperature is fitted (twice the work, no data lost). */
  refit?: boolean;
  /** Weights smaller than this (absolute) are not kept in the model. */
  prune?: number;
  /**
   * Phrases that say where or through which channel, not what: place names, hotline preambles.
   * With a few dozen examples per category the model would otherwise learn that a street name
   * means a category. Removed from the text, and skipped as tokens, in training and prediction.
   */
  ignore?: string[];
  version?: string;
}

export interface Model {
  format: typeof MODEL_FORMAT;
  version: string;
  labels: string[];
  /** Feature strings: 'w' + word token, 'b' + word pair, 'c' + character n-gram. */
  vocabulary: string[];
  idf: number[];
  bias: number[];
  /** Share of each label in training: the answer for a text with no known feature. */
  prior: number[];
  /** Per vocabulary entry: flat pairs [labelIndex, round(weight × weightScale), …]. */
  weights: number[][];
  weightScale: number;
  /** Logits are divided by this before the softmax (fitted on the validation slice). */
  temperature: number;
  examples: number;
  options: Required<Omit<TrainOptions, 'version'>>;
}

export interface Prediction {
  label: string;
  p: number;
}

export interface ConfusionPair {
  actual: string;
  predicted: string;
  count: number;
}

export interface Evaluation {
  n: number;
  top1: number;
  top3: number;
  /** Mean top-1 probability: close to top1 when the model is calibrated. */
  meanConfidence: number;
  /** Expected calibration error over ten confidence bins. */
  ece: number;
  /** Most frequent (actual → predicted top-1) mistakes, worst first. */
  confusion: ConfusionPair[];
}

/**
 * Chosen by 4-fold cross-validation inside the training split of the shipped corpus (~3,000
 * lines, 130 categories, 12–40 lines each): with so few lines per category, 3-grams (maxNgram 3,
 * at any weight) and extra epochs memorise wording instead of learning it and cost half as much
 * again; jieba words add little beyond character bigrams, so they count half. Re-checked the
 * same way at ~4,200 lines (every category ≥ 30): minCount 1 or 6 epochs gain under a point for
 * twice the features or a third more training, and read less calibrated, so these stay.
 */
const DEFAULTS: Required<Omit<TrainOptions, 'version'>> = {
  minNgram: 1,
  maxNgram: 2,
  wordBigrams: false,
  wordWeight: 0.5,
  trigramWeight: 1,
  ignore: [],
  seed: 1,
  epochs: 4,
  learningRate: 6,
  l2: 1e-6,
  average: true,
  minCount: 2,
  minPairCount: 1,
  maxFeatures: 60_000,
  validationShare: 0.1,
  refit: true,
  prune: 2e-3,
};

const WEIGHT_SCALE = 10_000;
const MIN_GRADIENT = 1e-4;
const DIGITS = '#';
const HAN_RUN = /\p{Script=Han}+/gu;
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/;
const FULL_WIDTH_ALL = /[\uff01-\uff5e\u3000]/g;
const PUNCTUATION = /[\p{P}\p{S}\p{Z}\s]+/gu;
const DIGIT_RUN = /[0-9]+/g;

// ---------------------------------------------------------------------------------------------
// Text normalisation and features

/**
 * Full-width → half-width, lower case, punctuation and symbols → one space, digit runs → '#'
 * (door numbers and dates say nothing about the category but their presence does).
 */
export function normalise(text: string): string {
  const half = FULL_WIDTH.test(text) ? text.replace(FULL_WIDTH_ALL, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0))) : text;
  return half.toLowerCase().replace(PUNCTUATION, ' ').replace(DIGIT_RUN, DIGITS).trim();
}

export interface FeatureSpec {
  /** Shortest and longest character n-gram. */
  minNgram: number;
  maxNgram: number;
  /** Adjacent word pairs as features too. */
  wordBigrams: boolean;
  ignore?: readonly string[];
}

interface PhraseIndex {
  set: Set<string>;
  /** Phrases by the code unit they start with, longest first. */
  byFirst: Map<number, string[]>;
}

const phraseIndexes = new WeakMap<readonly string[], PhraseIndex>();

function phraseIndex(phrases: readonly string[]): PhraseIndex {
  let ix = phraseIndexes.get(phrases);
  if (!ix) {
    const norm = [...new Set(phrases.map(normalise).filter(Boolean))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const byFirst = new Map<number, string[]>();
    for (const p of norm) {
      const first = p.charCodeAt(0);
      byFirst.set(first, [...(byFirst.get(first) ?? []), p]);
    }
    ix = { set: new Set(norm), byFirst };
    phraseIndexes.set(phrases, ix);
  }
  return ix;
}

/** Replaces every occurrence of an indexed phrase by a space, longest match first, left to right. */
function removePhrases(text: string, ix: PhraseIndex): string {
  if (ix.byFirst.size === 0) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; ) {
    const candidates = ix.byFirst.get(text.charCodeAt(i));
    let hit = 0;
    if (candidates) {
      for (const p of candidates) {
        if (text.startsWith(p, i)) {
          hit = p.length;
          break;
        }
      }
    }
    if (hit) {
      out += `${text.slice(from, i)} `;
      i += hit;
      from = i;
    } else i++;
  }
  return from === 0 ? text : out + text.slice(from);
}

const HAN_ONLY = /^\p{Script=Han}+$/u;

/** Word features and long n-grams repeat what the short n-grams already say: they get less say. */
function featureWeight(k: string, o: { wordWeight: number; trigramWeight: number }): number {
  if (!k.startsWith('c')) return o.wordWeight;
  return Array.from(k).length > 3 ? o.trigramWeight : 1;
}

type FeatureKind = 'c' | 'w' | 'b';
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Every feature occurrence of a description, in order: word tokens ('w'), word pairs ('b') and
 * the character n-grams of its Chinese runs ('c'). Training counts them into a map; prediction
 * looks each one up directly, so both see exactly the same features.
 */
function eachFeature(
  tokens: readonly string[],
  text: string,
  spec: FeatureSpec,
  emit: (kind: FeatureKind, key: string) => void,
  gram?: (run: string, at: number, n: number) => void,
): void {
  const ix = phraseIndex(spec.ignore ?? []);
  let prev = '';
  for (const raw of tokens) {
    // Segmenters mostly hand back clean Chinese words: normalise only what is not.
    const t = HAN_ONLY.test(raw) ? raw : normalise(raw);
    if (!t || t.includes(' ') || ix.set.has(t)) continue;
    // Single characters are already the character unigrams.
    if (t.length >= 2) emit('w', t);
    if (spec.wordBigrams && prev) emit('b', `${prev}|${t}`);
    prev = t;
  }
  // N-grams of Chinese runs only: letters of an English sentence would otherwise match stray
  // Latin n-grams of the corpus ("SOS", "LED") and make a confident guess out of nothing.
  for (const run of removePhrases(normalise(text), ix).match(HAN_RUN) ?? []) {
    // Slicing by UTF-16 unit is exact unless the run holds a supplementary-plane character.
    const cs: readonly string[] | string = SURROGATE.test(run) ? Array.from(run) : run;
    for (let i = 0; i < cs.length; i++) {
      for (let n = spec.minNgram; n <= spec.maxNgram && i + n <= cs.length; n++) {
        if (typeof cs !== 'string') emit('c', cs.slice(i, i + n).join(''));
        else if (gram) gram(cs, i, n);
        else emit('c', cs.slice(i, i + n));
      }
    }
  }
}

/** Feature counts of one description, keyed kind + text ('c路灯', 'w井盖'). */
export function features(tokens: readonly string[], text: string, spec: FeatureSpec = DEFAULTS): Map<string, number> {
  const f = new Map<string, number>();
  eachFeature(tokens, text, spec, (kind, key) => {
    const k = kind + key;
    f.set(k, (f.get(k) ?? 0) + 1);
  });
  return f;
}

// ---------------------------------------------------------------------------------------------
// Hashing, randomness, splits

/** FNV-1a over UTF-16 units with a murmur3 finaliser: stable across runs, platforms and versions. */
export function hash32(s: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HELD_OUT_SALT = 0x5eed;
const VALIDATION_SALT = 0xca11b;

const inShare = (text: string, share: number, salt: number) => hash32(normalise(text), salt) / 0x1_0000_0000 < share;

/**
 * Deterministic held-out split by a hash of the normalised text: an example's side never
 * changes as the corpus grows, and duplicates of one sentence land on the same side.
 */
export function splitHeldOut<T extends { text: string }>(examples: readonly T[], share = 0.2): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const e of examples) (inShare(e.text, share, HELD_OUT_SALT) ? heldOut : train).push(e);
  return { train, heldOut };
}


// ---------------------------------------------------------------------------------------------
// Vectors

interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

function vectorise(counts: Map<string, number>, index: ReadonlyMap<string, number>, idf: ArrayLike<number>): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (const [k, n] of counts) {
    const j = index.get(k);
    if (j === undefined) continue;
    const v = (1 + Math.log(n)) * (idf[j] as number);
    idx.push(j);
    val.push(v);
    norm += v * v;
  }
  const out = { idx: Int32Array.from(idx), val: Float64Array.from(val) };
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.val.length; i++) out.val[i] = (out.val[i] as number) * inv;
  }
  return out;
}

function softmaxInPlace(z: Float64Array, temperature = 1): void {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) {
    const v = (z[c] as number) / temperature;
    z[c] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    const d = (z[c] as number) - max;
    // e^-40 is below a double's precision next to the top label's 1: skip the exp.
    const e = d < -40 ? 0 : Math.exp(d);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < z.length; c++) z[c] = (z[c] as number) / sum;
}

// ---------------------------------------------------------------------------------------------
// Training

/** Weights on (feature, label) pairs seen together in training only, as CSR rows by feature. */
interface Fitted {
  bias: Float64Array;
  rows: Int32Array;
  cls: Int32Array;
  w: Float64Array;
}

/**
 * The sparse support: a weight exists only where a feature occurred with a label. Logistic
 * regression restricted to this support loses little (an absent pair would only ever learn a
 * small negative weight) and costs a few labels per feature instead of all of them, which is
 * what keeps training on the corpus well under a second.
 */
function support(xs: readonly SparseVector[], ys: Int32Array, classes: number, features: number, minPair = 1): Fitted {
  const seen = new Uint8Array(features * classes);
  const perRow = new Int32Array(features);
  xs.forEach((x, n) => {
    const y = ys[n] as number;
    for (const j of x.idx) {
      const at = j * classes + y;
      const before = seen[at] as number;
      if (before < 255) seen[at] = before + 1;
      if (before + 1 === minPair) perRow[j] = (perRow[j] as number) + 1;
    }
  });
  const rows = new Int32Array(features + 1);
  for (let j = 0; j < features; j++) rows[j + 1] = (rows[j] as number) + (perRow[j] as number);
  const cls = new Int32Array(rows[features] as number);
  let p = 0;
  for (let j = 0; j < features; j++) for (let c = 0; c < classes; c++) if ((seen[j * classes + c] as number) >= minPair) cls[p++] = c;
  return { bias: new Float64Array(classes), rows, cls, w: new Float64Array(cls.length) };
}

function sgd(xs: SparseVector[], ys: Int32Array, classes: number, features: number, o: Required<Omit<TrainOptions, 'version'>>): Fitted {
  const C = classes;
  const f = support(xs, ys, classes, features, o.minPairCount);
  const { bias, rows, cls, w } = f;
  const z = new Float64Array(C);
  const rand = mulberry32(o.seed);
  const order = Int32Array.from(xs.keys());
  // The L2 shrink of every weight is kept as one scalar (w_true = scale · w) so a step costs
  // only the features present, not the whole matrix.
  let scale = 1;
  let t = 0;
  const sumW = new Float64Array(o.average ? w.length : 0);
  const sumB = new Float64Array(C);
  let snapshots = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      const tmp = order[i] as number;
      order[i] = order[k] as number;
      order[k] = tmp;
    }
    for (let i = 0; i < order.length; i++) {
      const n = order[i] as number;
      const x = xs[n] as SparseVector;
      const y = ys[n] as number;
      z.set(bias);
      for (let k = 0; k < x.idx.length; k++) {
        const j = x.idx[k] as number;
        const v = (x.val[k] as number) * scale;
        const end = rows[j + 1] as number;
        for (let p = rows[j] as number; p < end; p++) {
          const c = cls[p] as number;
          z[c] = (z[c] as number) + v * (w[p] as number);
        }
      }
      softmaxInPlace(z);
      z[y] = (z[y] as number) - 1;
      const eta = o.learningRate / (1 + o.learningRate * o.l2 * t++);
      scale *= 1 - eta * o.l2;
      if (scale < 1e-6) {
        for (let p = 0; p < w.length; p++) w[p] = (w[p] as number) * scale;
        scale = 1;
      }
      // Labels the model already rules out contribute nothing measurable: only the rest learn,
      // and an example it already gets right with near certainty teaches nothing at all.
      let live = 0;
      for (let c = 0; c < C; c++) {
        const g = z[c] as number;
        if (g > MIN_GRADIENT || g < -MIN_GRADIENT) {
          bias[c] = (bias[c] as number) - eta * g;
          live++;
        }
      }
      if (live === 0) continue;
      for (let k = 0; k < x.idx.length; k++) {
        const j = x.idx[k] as number;
        const coef = (eta * (x.val[k] as number)) / scale;
        const end = rows[j + 1] as number;
        for (let p = rows[j] as number; p < end; p++) {
          const g = z[cls[p] as number] as number;
          if (g > MIN_GRADIENT || g < -MIN_GRADIENT) w[p] = (w[p] as number) - coef * g;
        }
      }
    }
    // Averaging the end-of-epoch weights (after the first) smooths the last steps' noise.
    if (o.average && epoch >= 1) {
      for (let p = 0; p < w.length; p++) sumW[p] = (sumW[p] as number) + (w[p] as number) * scale;
      for (let c = 0; c < C; c++) sumB[c] = (sumB[c] as number) + (bias[c] as number);
      snapshots++;
    }
  }
  if (snapshots > 0) {
    for (let p = 0; p < w.length; p++) w[p] = (sumW[p] as number) / snapshots;
    for (let c = 0; c < C; c++) bias[c] = (sumB[c] as number) / snapshots;
  } else {
    for (let p = 0; p < w.length; p++) w[p] = (w[p] as number) * scale;
  }
  return f;
}

function logits(f: Fitted, x: SparseVector, out: Float64Array): void {
  out.set(f.bias);
  for (let k = 0; k < x.idx.length; k++) {
    const j = x.idx[k] as number;
    const v = x.val[k] as number;
    const end = f.rows[j + 1] as number;
    for (let p = f.rows[j] as number; p < end; p++) {
      const c = f.cls[p] as number;
      out[c] = (out[c] as number) + v * (f.w[p] as number);
    }
  }
}

/** The temperature that minimises the validation log-loss (golden-section search on log T). */
function fitTemperature(zs: Float64Array[], ys: Int32Array): number {
  if (zs.length === 0) return 1;
  const nll = (logT: number) => {
    const T = Math.exp(logT);
    let sum = 0;
    for (let i = 0; i < zs.length; i++) {
      const z = zs[i] as Float64Array;
      let max = -Infinity;
      for (const v of z) if (v / T > max) max = v / T;
      let s = 0;
      for (const v of z) s += Math.exp(v / T - max);
      sum += max + Math.log(s) - (z[ys[i] as number] as number) / T;
    }
    return sum;
  };
  let lo = Math.log(0.02);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let i = 0; i < 24; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Trains a model. Labels are sorted, features ordered by document frequency then text, and the
 * shuffle is seeded, so the result depends only on the examples (in order), options and seed.
 */
export function train(examples: readonly LabelledText[], opts: TrainOptions = {}): Model {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'version')) } as Required<
    Omit<TrainOptions, 'version'>
  >;
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const counts = examples.map((e) => features(e.tokens, e.text, o));
  const df = new Map<string, number>();
  for (const f of counts) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const vocabulary = [...df]
    .filter(([, n]) => n >= o.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, o.maxFeatures)
    .map(([k]) => k);
  const index = new Map(vocabulary.map((k, j) => [k, j]));
  const N = examples.length;
  const idf = vocabulary.map((k) => (Math.log((N + 1) / ((df.get(k) ?? 0) + 1)) + 1) * featureWeight(k, o));
  const xs = counts.map((f) => vectorise(f, index, idf));
  const ys = Int32Array.from(examples.map((e) => labelIndex.get(e.label) as number));
  const C = labels.length;
  const V = vocabulary.length;

  let fitted: Fitted;
  let temperature = 1;
  const isVal = examples.map((e) => inShare(e.text, o.validationShare, VALIDATION_SALT));
  const fitIdx = [...xs.keys()].filter((i) => !isVal[i]);
  const valIdx = [...xs.keys()].filter((i) => isVal[i]);
  if (C < 2) {
    fitted = support(xs, ys, C, V);
  } else if (valIdx.length >= 10 && fitIdx.length > 0) {
    const part = sgd(
      fitIdx.map((i) => xs[i] as SparseVector),
      Int32Array.from(fitIdx.map((i) => ys[i] as number)),
      C,
      V,
      o,
    );
    const zs = valIdx.map((i) => {
      const z = new Float64Array(C);
      logits(part, xs[i] as SparseVector, z);
      return z;
    });
    temperature = fitTemperature(zs, Int32Array.from(valIdx.map((i) => ys[i] as number)));
    fitted = o.refit ? sgd(xs, ys, C, V, o) : part;
  } else {
    fitted = sgd(xs, ys, C, V, o);
  }

  const weights: number[][] = [];
  for (let j = 0; j < V; j++) {
    const row: number[] = [];
    for (let p = fitted.rows[j] as number; p < (fitted.rows[j + 1] as number); p++) {
      const v = fitted.w[p] as number;
      if (Math.abs(v) >= o.prune) row.push(fitted.cls[p] as number, Math.round(v * WEIGHT_SCALE));
    }
    weights.push(row);
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const version =
    opts.version ??
    `lr-${hash32(examples.map((e) => `${e.label}\t${e.text}`).join('\n'), o.seed)
      .toString(16)
      .padStart(8, '0')}`;
  return {
    format: MODEL_FORMAT,
    version,
    labels,
    vocabulary,
    idf: idf.map(round),
    bias: Array.from(fitted.bias, round),
    prior: Array.from(labelCounts(ys, C), (n) => round(n / Math.max(1, N))),
    weights,
    weightScale: WEIGHT_SCALE,
    temperature: round(temperature),
    examples: N,
    options: o,
  };
}

function labelCounts(ys: Int32Array, classes: number): Int32Array {
  const out = new Int32Array(classes);
  for (const y of ys) out[y] = (out[y] as number) + 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prediction

interface Compiled {
  /** Vocabulary index by kind, keyed without the kind prefix (no string building per lookup). */
  byKind: Record<FeatureKind, Map<string, number>>;
  /** Character uni- and bigrams by their UTF-16 codes: the hot lookups, without strings. */
  grams: CodeTable;
  idf: Float64Array;
  bias: Float64Array;
  /** CSR by feature: rows[j]..rows[j+1] index into cls / val. */
  rows: Int32Array;
  cls: Int32Array;
  val: Float64Array;
  /** Scratch: 1 + position of a feature in the description being scored, 0 when absent. */
  slot: Int32Array;
}

/** A 1- or 2-unit gram as one number: a unigram is its code, a bigram both codes in 32 bits. */
function gramCode(s: string, at: number, n: number): number {
  return n === 1 ? s.charCodeAt(at) : ((s.charCodeAt(at) << 16) | s.charCodeAt(at + 1)) >>> 0;
}

/** Open-addressing hash map from non-zero uint32 to int32 (absent → -1). */
class CodeTable {
  private readonly keys: Uint32Array;
  private readonly vals: Int32Array;
  private readonly mask: number;

  constructor(entries: number) {
    let size = 16;
    while (size < entries * 2) size *= 2;
    this.keys = new Uint32Array(size);
    this.vals = new Int32Array(size);
    this.mask = size - 1;
  }

  set(key: number, value: number): void {
    let i = Math.imul(key, 0x9e3779b1) & this.mask;
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.vals[i] = value;
  }

  get(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) & this.mask;
    for (;;) {
      const k = this.keys[i] as number;
      if (k === key) return this.vals[i] as number;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }
}

const compiled = new WeakMap<Model, Compiled>();

function compile(model: Model): Compiled {
  const hit = compiled.get(model);
  if (hit) return hit;
  if (model.format !== MODEL_FORMAT) throw new Error(`unsupported classifier model format ${String(model.format)}`);
  let nnz = 0;
  for (const r of model.weights) nnz += r.length / 2;
  const rows = new Int32Array(model.vocabulary.length + 1);
  const cls = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let p = 0;
  model.weights.forEach((r, j) => {
    rows[j] = p;
    for (let i = 0; i < r.length; i += 2) {
      cls[p] = r[i] as number;
      val[p] = (r[i + 1] as number) / model.weightScale;
      p++;
    }
  });
  rows[model.vocabulary.length] = p;
  const byKind: Compiled['byKind'] = { c: new Map(), w: new Map(), b: new Map() };
  model.vocabulary.forEach((k, j) => {
    byKind[k[0] as FeatureKind]?.set(k.slice(1), j);
  });
  const grams = new CodeTable(byKind.c.size);
  for (const [g, j] of byKind.c) if (g.length <= 2 && !SURROGATE.test(g)) grams.set(gramCode(g, 0, g.length), j);
  const c: Compiled = {
    byKind,
    grams,
    idf: Float64Array.from(model.idf),
    bias: Float64Array.from(model.bias),
    rows,
    cls,
    val,
    slot: new Int32Array(model.vocabulary.length),
  };
  compiled.set(model, c);
  return c;
}

/** The unit-length tf-idf vector of a description, as `vectorise(features(…))` but without the maps. */
function vectoriseFor(model: Model, m: Compiled, tokens: readonly string[], text: string): SparseVector {
  const idx: number[] = [];
  const n: number[] = [];
  const seen = (j: number | undefined) => {
    if (j === undefined || j < 0) return;
    const s = m.slot[j] as number;
    if (s > 0) n[s - 1] = (n[s - 1] as number) + 1;
    else {
      idx.push(j);
      n.push(1);
      m.slot[j] = idx.length;
    }
  };
  eachFeature(
    tokens,
    text,
    model.options,
    (kind, key) => seen(m.byKind[kind].get(key)),
    (run, at, len) => seen(len <= 2 ? m.grams.get(gramCode(run, at, len)) : m.byKind.c.get(run.slice(at, at + len))),
  );
  const val = new Float64Array(idx.length);
  let norm = 0;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i] as number;
    m.slot[j] = 0;
    const v = (1 + Math.log(n[i] as number)) * (m.idf[j] as number);
    val[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < val.length; i++) val[i] = (val[i] as number) * inv;
  }
  return { idx: Int32Array.from(idx), val };
}

/** Calibrated probabilities of every label, in the model's label order. */
export function probabilities(model: Model, tokens: readonly string[], text: string): Float64Array {
  const m = compile(model);
  const x = vectoriseFor(model, m, tokens, text);
  // The intercepts were learnt next to features that are always there: without any, they are
  // no estimate at all, so say what the training set says instead.
  if (x.idx.length === 0) return Float64Array.from(model.prior);
  const z = new Float64Array(m.bias);
  for (let k = 0; k < x.idx.length; k++) {
    const j = x.idx[k] as number;
    const v = x.val[k] as number;
    const end = m.rows[j + 1] as number;
    for (let p = m.rows[j] as number; p < end; p++) {
      const c = m.cls[p] as number;
      z[c] = (z[c] as number) + v * (m.val[p] as number);
    }
  }
  softmaxInPlace(z, model.temperature);
  return z;
}

/**
 * The k most likely labels with calibrated probabilities (they sum to at most 1). Text with no
 * known feature (empty, English, emoji) falls back to the label priors: low confidence, no crash.
 */
export function predict(model: Model, tokens: readonly string[], text: string, k = 3): Prediction[] {
  if (model.labels.length === 0 || k <= 0) return [];
  const p = probabilities(model, tokens, text);
  // Partial insertion sort: k is tiny next to the label count; ties keep the label order.
  const top: number[] = [];
  for (let c = 0; c < p.length; c++) {
    const v = p[c] as number;
    if (top.length === k && v <= (p[top[k - 1] as number] as number)) continue;
    let i = Math.min(top.length, k - 1);
    while (i > 0 && v > (p[top[i - 1] as number] as number)) i--;
    top.splice(i, 0, c);
    if (top.length > k) top.pop();
  }
  return top.map((c) => ({ label: model.labels[c] as string, p: p[c] as number }));
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export function evaluate(model: Model, examples: readonly LabelledText[], opts: { pairs?: number } = {}): Evaluation {
  let top1 = 0;
  let top3 = 0;
  let conf = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, hits: 0 }));
  const pairs = new Map<string, ConfusionPair>();
  for (const e of examples) {
    const ps = predict(model, e.tokens, e.text, 3);
    const first = ps[0];
    const hit = first?.label === e.label;
    if (hit) top1++;
    if (ps.some((p) => p.label === e.label)) top3++;
    const c = first?.p ?? 0;
    conf += c;
    const bin = bins[Math.min(9, Math.floor(c * 10))] as { n: number; conf: number; hits: number };
    bin.n++;
    bin.conf += c;
    if (hit) bin.hits++;
    if (first && !hit) {
      const key = `${e.label}\u0000${first.label}`;
      const pair = pairs.get(key) ?? { actual: e.label, predicted: first.label, count: 0 };
      pair.count++;
      pairs.set(key, pair);
    }
  }
  const n = examples.length;
  const ece = n === 0 ? 0 : bins.reduce((s, b) => s + Math.abs(b.conf - b.hits), 0) / n;
  const confusion = [...pairs.values()]
    .sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual) || a.predicted.localeCompare(b.predicted))
    .slice(0, opts.pairs ?? 20);
  return { n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0, meanConfidence: n ? conf / n : 0, ece, confusion };
}
