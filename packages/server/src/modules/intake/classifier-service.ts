/**
 * Category suggestions for a description (issue 3 §2). The base model is trained from the
 * shipped corpus (data/intake/corpus/*.jsonl) the first time a process needs it and kept in
 * memory; `retrain` adds the district's person-confirmed cases, stores the model with its
 * held-out metrics in classifier_models and makes it the district's active version. Every
 * suggestion names the model version that made it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '@onegrid/domain/errors';
import {
  type ConfusionPair,
  evaluate,
  hash32,
  type LabelledText,
  type Model,
  predict,
  splitHeldOut,
  train,
  type TrainOptions,
} from '@onegrid/domain/text/classifier';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { dataFile } from '../../platform/paths.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { type DefaultsFile, readCatalogue, resolveCategory } from '../taxonomy/catalogue.ts';
import { placeNames, tokenize } from './tokenizer.ts';
import { trainingRepository as repo } from './training-repository.ts';

export const CORPUS_DIR = dataFile('intake', 'corpus');
/** Share of examples (by text hash) that is never trained on and measures every model. */
export const HELD_OUT_SHARE = 0.2;
/** How long a process trusts its idea of a district's active version before asking the store. */
const ACTIVE_TTL_MS = 30_000;
/** Descriptions are cut here: the category is in the first sentences, and latency stays flat. */
const MAX_TEXT = 2000;
const CONFIRMED_LIMIT = 50_000;
/** Hotline and grid-worker preambles: they tell the channel, not the category. */
const PREAMBLES = ['市民来电反映', '来电人称', '市民反映', '诉求', '网格员巡查发现', '巡查发现'];
/**
 * A category's own name and its 立案条件 describe it too ("私搭乱建", "擅自在人行道、路缘石处修筑
 * 接坡"); each is added this many times to the training set (never to the held-out split). They
 * rescue the categories with few corpus lines.
 */
const NAME_WEIGHT = 3;
const CONDITION_WEIGHT = 1;

export interface CorpusLine {
  text: string;
  kind: 'component' | 'matter';
  code: string;
  source: string;
}

export interface ModelMetrics {
  heldOut: { n: number; top1: number; top3: number; meanConfidence: number; ece: number };
  confusion: ConfusionPair[];
  labels: number;
  features: number;
  temperature: number;
  corpusExamples: number;
  confirmedCases: number;
  trainMs: number;
}

export interface ModelSummary {
  id: string | null;
  version: string;
  createdAt: string;
  examples: number;
  metrics: ModelMetrics;
  active: boolean;
}

export interface Suggestion {
  kind: 'component' | 'matter';
  code: string;
  name: string | null;
  p: number;
}

interface Trained {
  model: Model;
  metrics: ModelMetrics;
  summary: ModelSummary;
}

interface Active {
  id: string | null;
  version: string;
  model: Model;
}

/** Every *.jsonl in the corpus folder, in file-name order; a malformed line names its place. */
export function loadCorpus(dir = CORPUS_DIR): CorpusLine[] {
  if (!fs.existsSync(dir)) return [];
  const out: CorpusLine[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const file = path.join(dir, name);
    fs.readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (!line.trim()) return;
        let row: Partial<CorpusLine>;
        try {
          row = JSON.parse(line) as Partial<CorpusLine>;
        } catch {
          throw new Error(`${file}:${i + 1}: not a JSON line`);
        }
        if (typeof row.text !== 'string' || (row.kind !== 'matter' && row.kind !== 'component') || typeof row.code !== 'string') {
          throw new Error(`${file}:${i + 1}: needs "text", "kind" (matter|component) and "code"`);
        }
        out.push({ text: row.text, kind: row.kind, code: row.code, source: typeof row.source === 'string' ? row.source : '' });
      });
  }
  return out;
}

export interface CategoryText {
  name: string;
  /** 立案条件: when a report qualifies, in the district's words. */
  condition: string | null;
}

export const labelOf = (kind: string, code: string): string => `${kind}:${code}`;

export function toExample(text: string, kind: string, code: string): LabelledText {
  const t = text.slice(0, MAX_TEXT);
  return { text: t, tokens: tokenize(t), label: labelOf(kind, code) };
}

/** The options the service trains with: the defaults plus the phrases that carry no category. */
export function trainOptions(extra: TrainOptions = {}): TrainOptions {
  return { ignore: [...placeNames(), ...PREAMBLES], ...extra };
}

/** Training examples made of the names and distinctive conditions of the given labels. */
export function descriptionExamples(labels: Iterable<string>, descriptions: ReadonlyMap<string, CategoryText>): LabelledText[] {
  const out: LabelledText[] = [];
  // A condition shared by several categories (all the 井盖 share one) says nothing about which.
  const conditionUses = new Map<string, number>();
  for (const d of descriptions.values()) if (d.condition) conditionUses.set(d.condition, (conditionUses.get(d.condition) ?? 0) + 1);
  for (const label of labels) {
    const d = descriptions.get(label);
    if (!d) continue;
    const [kind, code] = label.split(':') as [string, string];
    const name = toExample(d.name, kind, code);
    for (let i = 0; i < NAME_WEIGHT; i++) out.push(name);
    if (d.condition && conditionUses.get(d.condition) === 1) {
      const cond = toExample(d.condition, kind, code);
      for (let i = 0; i < CONDITION_WEIGHT; i++) out.push(cond);
    }
  }
  return out;
}

/**
 * Trains on the training split plus the category names of every label in it, and measures on
 * the held-out split (never trained on).
 */
export function trainAndMeasure(
  corpus: LabelledText[],
  confirmed: LabelledText[],
  descriptions: ReadonlyMap<string, CategoryText>,
  opts: TrainOptions = {},
): { model: Model; metrics: ModelMetrics; examples: number } {
  const started = performance.now();
  const all = [...corpus, ...confirmed];
  const { train: fit, heldOut } = splitHeldOut(all, HELD_OUT_SHARE);
  const model = train([...fit, ...descriptionExamples(new Set(fit.map((e) => e.label)), descriptions)], trainOptions(opts));
  const trainMs = Math.round(performance.now() - started);
  const ev = evaluate(model, heldOut, { pairs: 20 });
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    model,
    examples: fit.length,
    metrics: {
      heldOut: { n: ev.n, top1: r4(ev.top1), top3: r4(ev.top3), meanConfidence: r4(ev.meanConfidence), ece: r4(ev.ece) },
      confusion: ev.confusion,
      labels: model.labels.length,
      features: model.vocabulary.length,
      temperature: model.temperature,
      corpusExamples: corpus.length,
      confirmedCases: confirmed.length,
      trainMs,
    },
  };
}

/** Names and 立案条件 of the shipped catalogue with the shipped defaults, for the base model. */
export function shippedDescriptions(): Map<string, CategoryText> {
  const defaults = JSON.parse(fs.readFileSync(dataFile('taxonomy', 'jiangbei-defaults.json'), 'utf8')) as DefaultsFile;
  return new Map(
    readCatalogue(dataFile('taxonomy', 'gbt47678-5-2026.csv')).map((c) => [
      labelOf(c.kind, c.code),
      { name: c.name, condition: resolveCategory(c, defaults).registerCondition },
    ]),
  );
}

/** Base models per corpus folder and options: one training per process, shared by every service. */
const baseModels = new Map<string, Promise<Trained>>();

export class ClassifierService {
  private readonly active = new Map<string, { checkedAt: number; value: Promise<Active> }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly opts: { corpusDir?: string; train?: TrainOptions } = {},
  ) {}

  /** The model trained from the shipped corpus alone: what a district uses until it retrains. */
  baseModel(): Promise<Trained> {
    const dir = this.opts.corpusDir ?? CORPUS_DIR;
    const key = `${dir}\u0000${JSON.stringify(this.opts.train ?? {})}`;
    let p = baseModels.get(key);
    if (!p) {
      p = (async () => {
        const corpus = loadCorpus(dir).map((l) => toExample(l.text, l.kind, l.code));
        if (corpus.length === 0) throw new Error(`no classifier corpus in ${dir}`);
        const r = trainAndMeasure(corpus, [], shippedDescriptions(), this.opts.train);
        const version = `base-${r.model.version.replace(/^lr-/, '')}`;
        const model = { ...r.model, version };
        const summary = { id: null, version, createdAt: new Date().toISOString(), examples: r.examples, metrics: r.metrics, active: false };
        return { model, metrics: r.metrics, summary };
      })();
      baseModels.set(key, p);
      const failed = p;
      failed.catch(() => baseModels.delete(key));
    }
    return p;
  }

  /** Trains the base model now (e.g. at start-up) so the first report does not wait for it. */
  async warm(): Promise<void> {
    await this.baseModel();
  }

  private activeModel(districtId: string): Promise<Active> {
    const now = this.clock.now();
    const cached = this.active.get(districtId);
    if (cached && now - cached.checkedAt < ACTIVE_TTL_MS) return cached.value;
    const value = (async (): Promise<Active> => {
      const prev = cached ? await cached.value.catch(() => null) : null;
      const row = await repo.activeVersion(this.store.db, districtId);
      // Another instance may have retrained: reload only when the active row changed.
      if (prev && (row?.id ?? null) === prev.id) return prev;
      if (!row) {
        const b = await this.baseModel();
        return { id: null, version: b.model.version, model: b.model };
      }
      const json = await repo.modelJson(this.store.db, row.id);
      if (!json) throw new Error(`classifier model ${row.id} vanished`);
      return { id: row.id, version: row.version, model: JSON.parse(json) as Model };
    })();
    this.active.set(districtId, { checkedAt: now, value });
    value.catch(() => {
      if (this.active.get(districtId)?.value === value) this.active.delete(districtId);
    });
    return value;
  }

  /**
   * Up to three categories for a description with calibrated probabilities, from the district's
   * active model. Labels the district does not have (or has switched off) are left out.
   */
  async suggest(districtId: string, text: string): Promise<{ modelVersion: string; suggestions: Suggestion[] }> {
    const a = await this.activeModel(districtId);
    const t = text.slice(0, MAX_TEXT);
    const ranked = predict(a.model, tokenize(t), t, 10);
    const suggestions: Suggestion[] = [];
    for (const r of ranked) {
      const [kind, code] = r.label.split(':');
      if (!kind || !code) continue;
      const c = await this.taxonomy.find(districtId, kind, code);
      if (!c?.active) continue;
      suggestions.push({ kind: c.kind, code: c.code, name: c.name, p: Math.round(r.p * 10_000) / 10_000 });
      if (suggestions.length === 3) break;
    }
    return { modelVersion: a.version, suggestions };
  }

  /** Base corpus + person-confirmed cases → a new model, stored and made the district's active one. */
  /** `by`: the admin asking, recorded in the audit log with the new model (the CLI leaves it out). */
  async retrain(districtId: string, by?: Principal): Promise<ModelSummary> {
    const corpus = loadCorpus(this.opts.corpusDir).map((l) => toExample(l.text, l.kind, l.code));
    const cases = await repo.confirmedCases(this.store.db, districtId, CONFIRMED_LIMIT);
    const confirmed = cases.map((c) => toExample(c.description, c.kind, c.code));
    if (corpus.length + confirmed.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'nothing to train on: the corpus is missing and no case has a confirmed category yet');
    }
    // The district's own words: local categories and edited conditions are learnt as they read now.
    const categories = await this.taxonomy.list(districtId, {});
    const descriptions = new Map(categories.map((c) => [labelOf(c.kind, c.code), { name: c.name, condition: c.registerCondition }]));
    const r = trainAndMeasure(corpus, confirmed, descriptions, this.opts.train);
    const now = this.clock.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
    const version = `${stamp}-${hash32(r.model.version).toString(16).padStart(8, '0').slice(0, 6)}`;
    const model = { ...r.model, version };
    const id = newId(now);
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insertActive(trx, {
          id,
          district_id: districtId,
          version,
          created_at: now,
          examples: r.examples,
          metrics: JSON.stringify(r.metrics),
          model: JSON.stringify(model),
          active: 1,
        });
        if (by) await this.audit.record(trx, by, 'classifier.retrain', districtId, { version, examples: r.examples });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `model ${version} was just trained from the same data; retry in a second`);
      throw e;
    }
    this.active.set(districtId, { checkedAt: now, value: Promise.resolve({ id, version, model }) });
    return { id, version, createdAt: new Date(now).toISOString(), examples: r.examples, metrics: r.metrics, active: true };
  }

  /** Stored models of the district, newest first, and the version that answers suggestions now. */
  async models(districtId: string, limit = 50): Promise<{ activeVersion: string; base: ModelSummary; items: ModelSummary[] }> {
    const [rows, base, active] = await Promise.all([repo.list(this.store.db, districtId, limit), this.baseModel(), this.activeModel(districtId)]);
    return {
      activeVersion: active.version,
      base: { ...base.summary, active: active.id === null },
      items: rows.map((r) => ({
        id: r.id,
        version: r.version,
        createdAt: new Date(r.created_at).toISOString(),
        examples: r.examples,
        metrics: JSON.parse(r.metrics) as ModelMetrics,
        active: r.id === active.id,
      })),
    };
  }
}
