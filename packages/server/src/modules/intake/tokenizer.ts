/**
 * Chinese word segmentation for the classifier: jieba (native, prebuilt) with its default
 * dictionary plus data/intake/domain-dict.txt, so that terms like 雨水箅子, 占道经营 and place
 * names like 观音桥 stay whole instead of falling apart into characters. The dictionary costs
 * ~200 ms to load, so one segmenter is built lazily per process and shared.
 */
import fs from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalise } from '@onegrid/domain/text/classifier';
import { dataFile } from '../../platform/paths.ts';

export const DOMAIN_DICTIONARY = dataFile('intake', 'domain-dict.txt');

let jieba: Jieba | null = null;

/** Dictionary lines without comments, lower-cased like the normalised text they will meet. */
export function readDomainDictionary(file = DOMAIN_DICTIONARY): string {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.toLowerCase())
    .join('\n');
}

let places: string[] | null = null;

/** The dictionary's place names (tag ns): where a problem is, which says nothing about its category. */
export function placeNames(): string[] {
  places ??= readDomainDictionary()
    .split('\n')
    .map((l) => l.split(/\s+/))
    .filter((f) => f[2] === 'ns' && f[0])
    .map((f) => f[0] as string);
  return places;
}

function segmenter(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict);
    j.loadDict(Buffer.from(readDomainDictionary(), 'utf8'));
    jieba = j;
  }
  return jieba;
}

/**
 * Word tokens of a description, cut from its normalised form (the form the classifier's
 * character n-grams use). HMM is off: unknown words come out as single characters, which the
 * n-grams already cover, and the cut stays deterministic and fast.
 */
export function tokenize(text: string): string[] {
  const norm = normalise(text);
  if (!norm) return [];
  return segmenter()
    .cut(norm, false)
    .filter((t) => t !== ' ' && t.trim() !== '');
}
