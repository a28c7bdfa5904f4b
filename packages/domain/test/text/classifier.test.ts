import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../src/random.ts';
import {
  evaluate,
  features,
  hash32,
  type LabelledText,
  type Model,
  normalise,
  predict,
  probabilities,
  splitHeldOut,
  train,
} from '../../src/text/classifier.ts';


const TOPICS: Record<string, string[]> = {
  lamp: ['路灯', '不亮', '灯杆', '灯泡', '一闪一闪', '晚上很黑'],
  cover: ['井盖', '松动', '缺失', '窨井', '响动', '塌陷'],
  garbage: ['垃圾', '堆积', '发臭', '苍蝇', '没人清运', '满溢'],
  noise: ['噪音', '扰民', '喇叭', '半夜', '吵得', '睡不着'],
  parking: ['乱停', '车辆', '人行道', '堵住', '违停', '挡路'],
  adverts: ['小广告', '张贴', '电线杆', '办证', '乱贴', '牛皮癣'],
};
const FILLER = ['小区门口', '楼下', '马路边', '这几天', '麻烦处理', '一直', '好久了', '附近', '市民反映', '请尽快'];

/**
 * Short descriptions: two words of their topic, filler, and in a third of them a word of another
 * topic, so that the task is learnable but not trivially so.
 */
function corpus(n: number, seed: number): LabelledText[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const labels = Object.keys(TOPICS);
  const out: LabelledText[] = [];
  for (let i = 0; i < n; i++) {
    const label = pick(labels);
    const own = TOPICS[label] as string[];
    const words = [pick(FILLER), pick(own), pick(FILLER), pick(own)];
    if (r() < 0.35) words.splice(1, 0, pick(TOPICS[pick(labels)] as string[]));
    if (r() < 0.5) words.push(`${Math.floor(r() * 300)}号`);
    out.push({ text: words.join(''), tokens: words, label });
  }
  return out;
}

describe('normalise and features', () => {
  it('folds full-width forms, case, punctuation and digit runs', () => {
    expect(normalise('ＡＢＣ１２３，路灯　不亮！！')).toBe('abc# 路灯 不亮');
    expect(normalise('  北滨路88号…井盖?? ')).toBe('北滨路#号 井盖');
    expect(normalise('')).toBe('');
  });

  it('takes 1–3-grams of Chinese runs only, and words of two characters or more', () => {
    const f = features(['路灯', '不', 'LED'], '路灯不亮 LED', { minNgram: 1, maxNgram: 3, wordBigrams: false });
    for (const k of ['c路', 'c路灯', 'c路灯不', 'c亮', 'w路灯', 'wled']) expect(f.has(k)).toBe(true);
    expect(f.has('w不')).toBe(false);
    expect([...f.keys()].some((k) => k.startsWith('c') && /[a-z]/.test(k.slice(1)))).toBe(false);
  });

  it('counts a supplementary-plane character as one character', () => {
    const f = features([], '𠮷野家门口', { minNgram: 1, maxNgram: 2, wordBigrams: false });
    for (const k of ['c𠮷', 'c𠮷野', 'c野家', 'c口']) expect(f.has(k)).toBe(true);
    expect([...f.keys()].some((k) => k.includes('\ud842') && k.length === 2)).toBe(false);
    const m = train([
      { text: '𠮷野家门口垃圾', tokens: [], label: 'a' },
      { text: '𠮷野家门口垃圾堆', tokens: [], label: 'a' },
      { text: '路灯不亮了', tokens: [], label: 'b' },
      { text: '路灯又不亮', tokens: [], label: 'b' },
    ]);
    expect(predict(m, [], '𠮷野家垃圾')[0]?.label).toBe('a');
  });

  it('drops ignored phrases from the text and from the tokens', () => {
    const f = features(['观音桥', '路灯'], '观音桥路灯', { minNgram: 1, maxNgram: 2, wordBigrams: false, ignore: ['观音桥'] });
    expect([...f.keys()].sort()).toEqual(['c灯', 'c路', 'c路灯', 'w路灯']);
  });
});

describe('splitHeldOut', () => {
  const texts = corpus(2000, 7);

  it('is decided by the text alone: stable as the corpus grows and in any order', () => {
    const small = splitHeldOut(texts.slice(0, 500));
    const grown = splitHeldOut([...corpus(700, 99), ...texts].reverse());
    const heldOut = new Set(grown.heldOut.map((e) => e.text));
    for (const e of small.heldOut) expect(heldOut.has(e.text)).toBe(true);
    for (const e of small.train) expect(heldOut.has(e.text)).toBe(false);
  });

  it('holds out about the requested share, and puts a sentence and its variants on one side', () => {
    const unique = [...new Map(texts.map((e) => [e.text, e])).values()];
    const { heldOut } = splitHeldOut(unique, 0.2);
    expect(heldOut.length / unique.length).toBeGreaterThan(0.16);
    expect(heldOut.length / unique.length).toBeLessThan(0.24);
    expect(splitHeldOut(unique, 0).heldOut).toHaveLength(0);
    const a = splitHeldOut([{ text: '路灯不亮！' }, { text: '路灯不亮' }, { text: '路灯，不亮' }]);
    expect([a.train.length, a.heldOut.length].sort()).toEqual([0, 3]);
  });

  it('hash32 is the FNV-1a/murmur mix it claims to be (a changed hash would move the split)', () => {
    expect(hash32('')).toBe(hash32('', 0));
    expect(hash32('路灯不亮')).toBe(hash32('路灯不亮'));
    expect(hash32('路灯不亮', 1)).not.toBe(hash32('路灯不亮', 2));
    expect(hash32('abc').toString(16)).toMatchInlineSnapshot(`"1cc93dbc"`);
  });
});

describe('train, predict, evaluate', () => {
  const all = corpus(1500, 1);
  const { train: fit, heldOut } = splitHeldOut(all);
  const model = train(fit, { seed: 3 });

  it('is deterministic for a seed and serialises to plain JSON', () => {
    const again = train(fit, { seed: 3 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    const copy = JSON.parse(JSON.stringify(model)) as Model;
    const e = heldOut[0] as LabelledText;
    expect(predict(copy, e.tokens, e.text)).toEqual(predict(model, e.tokens, e.text));
    expect(model.version).toMatch(/^lr-[0-9a-f]{8}$/);
    expect(train(fit, { seed: 3, version: 'v1' }).version).toBe('v1');
    expect(model.labels).toEqual(Object.keys(TOPICS).sort());
  });

  it('learns the held-out split and is calibrated (mean confidence ≈ accuracy)', () => {
    const ev = evaluate(model, heldOut);
    expect(ev.n).toBe(heldOut.length);
    expect(ev.top1).toBeGreaterThan(0.85);
    expect(ev.top3).toBeGreaterThanOrEqual(ev.top1);
    expect(Math.abs(ev.meanConfidence - ev.top1)).toBeLessThan(0.08);
    expect(ev.ece).toBeLessThan(0.08);
    expect(model.temperature).toBeGreaterThan(0);
  });

  it('returns k labels, best first, with probabilities that sum to at most 1', () => {
    const p = predict(model, ['路灯', '不亮'], '楼下路灯不亮', 3);
    expect(p.map((x) => x.label)[0]).toBe('lamp');
    expect(p).toHaveLength(3);
    expect(p[0]!.p).toBeGreaterThanOrEqual(p[1]!.p);
    expect(p[1]!.p).toBeGreaterThanOrEqual(p[2]!.p);
    expect(p.reduce((s, x) => s + x.p, 0)).toBeLessThanOrEqual(1 + 1e-12);
    const all6 = probabilities(model, [], '楼下路灯不亮');
    expect(all6.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(predict(model, [], '路灯', 0)).toEqual([]);
    expect(predict(model, [], '路灯', 10)).toHaveLength(6);
  });

  it('answers empty, English or symbol-only text with low confidence instead of failing', () => {
    for (const text of ['', '   ', 'The street light is broken', '!!!???', '😀😀', '12345']) {
      const p = predict(model, text.split(' '), text);
      expect(p).toHaveLength(3);
      for (const x of p) expect(x.p).toBeLessThan(0.4);
    }
  });

  it('lists the most frequent confusions first', () => {
    const ev = evaluate(model, heldOut, { pairs: 3 });
    expect(ev.confusion.length).toBeLessThanOrEqual(3);
    for (const c of ev.confusion) expect(c.actual).not.toBe(c.predicted);
    const counts = ev.confusion.map((c) => c.count);
    expect([...counts].sort((x, y) => y - x)).toEqual(counts);
    const wrong = heldOut.filter((e) => predict(model, e.tokens, e.text, 1)[0]?.label !== e.label).length;
    expect(evaluate(model, heldOut, { pairs: 1000 }).confusion.reduce((s, c) => s + c.count, 0)).toBe(wrong);
  });

  it('copes with degenerate training sets', () => {
    expect(predict(train([]), [], '路灯')).toEqual([]);
    const one = train([{ text: '路灯不亮', tokens: [], label: 'lamp' }]);
    expect(predict(one, [], '路灯不亮')).toEqual([{ label: 'lamp', p: 1 }]);
    expect(evaluate(one, []).n).toBe(0);
  });
});
