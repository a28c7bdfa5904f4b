/**
 * Reviews (复盘, "review & improve" in 渝府令〔2025〕第373号): after a major case is closed or a
 * sensor alarm is settled, what happened, the timeline, the cause and what we change. A review is
 * seen by whoever may see its subject (case scope; alarms are district-wide) and edited by its
 * author or the district centre.
 */
import { DomainError } from '@onegrid/domain/errors';
import type { ReviewRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { CaseService } from '../case/case-service.ts';
import type { AlarmService } from '../perception/alarm-service.ts';
import { targetRepository as repo } from './target-repository.ts';

export type SubjectKind = ReviewRow['subject_kind'];

export interface ReviewInput {
  title: string;
  whatHappened: string;
  timeline: Array<{ at: string; what: string }>;
  cause: string;
  changes: string;
}

export interface ReviewView extends ReviewInput {
  id: string;
  subject: { kind: SubjectKind; id: string };
  authorId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const CLOSED_CASE_STATES = new Set(['CLOSED', 'EVALUATED']);
const SETTLED_ALARM_STATES = new Set(['acknowledged', 'cleared']);

const iso = (ms: number) => new Date(ms).toISOString();
const sorted = (t: ReviewInput['timeline']) => [...t].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cases: CaseService,
    private readonly alarms: AlarmService,
  ) {}

  async create(p: Principal, subject: { kind: SubjectKind; id: string }, input: ReviewInput): Promise<ReviewView> {
    await this.requireSettled(p, subject);
    const now = this.clock.now();
    const row: ReviewRow = {
      id: newId(now),
      district_id: p.districtId,
      subject_kind: subject.kind,
      subject_id: subject.id,
      ...this.columns(input),
      author_id: p.userId,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await repo.insertReview(this.store.db, row);
    return view(row);
  }

  async update(p: Principal, id: string, input: ReviewInput & { version: number }): Promise<ReviewView> {
    const r = await this.load(p, id);
    if (r.author_id !== p.userId && !p.districtWide) throw new DomainError('FORBIDDEN', 'only the author or the district centre may edit this review');
    const patch = { ...this.columns(input), version: r.version + 1, updated_at: this.clock.now() };
    if (!(await repo.updateReview(this.store.db, id, input.version, patch))) {
      throw new DomainError('REVIEW_CONFLICT', `review ${id} changed since version ${input.version}; reload it and apply your change again`);
    }
    return view({ ...r, ...patch });
  }

  async get(p: Principal, id: string): Promise<ReviewView> {
    return view(await this.load(p, id));
  }

  /** Reviews newest first, optionally of one subject; those whose subject the caller may not see are left out. */
  async list(p: Principal, f: { subjectKind?: SubjectKind | undefined; subjectId?: string | undefined; limit: number }): Promise<ReviewView[]> {
    const rows = await repo.reviews(this.store.db, p.districtId, f);
    const out: ReviewView[] = [];
    for (const r of rows) if (await this.canSee(p, r)) out.push(view(r));
    return out;
  }

  private async load(p: Principal, id: string): Promise<ReviewRow> {
    const r = await repo.reviewById(this.store.db, id);
    if (!r || r.district_id !== p.districtId || !(await this.canSee(p, r))) throw new DomainError('NOT_FOUND', `review ${id} not found`);
    return r;
  }

  private async canSee(p: Principal, r: ReviewRow): Promise<boolean> {
    if (p.districtWide || r.subject_kind === 'alarm') return true;
    try {
      await this.cases.get(p, r.subject_id);
      return true;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return false;
      throw e;
    }
  }

  /** The subject exists, is visible to the caller and is over: a closed case, an alarm no longer raised. */
  private async requireSettled(p: Principal, subject: { kind: SubjectKind; id: string }): Promise<void> {
    if (subject.kind === 'case') {
      const c = await this.cases.get(p, subject.id);
      if (!CLOSED_CASE_STATES.has(c.state)) throw new DomainError('REVIEW_SUBJECT_OPEN', `case ${c.number ?? subject.id} is ${c.state}; review it once it is closed`);
      return;
    }
    const a = await this.alarms.get(p, subject.id);
    if (!SETTLED_ALARM_STATES.has(a.status)) throw new DomainError('REVIEW_SUBJECT_OPEN', `alarm ${subject.id} is still raised; acknowledge it (or let it clear) before reviewing it`);
  }

  private columns(i: ReviewInput): Pick<ReviewRow, 'title' | 'what_happened' | 'timeline' | 'cause' | 'changes'> {
    return { title: i.title, what_happened: i.whatHappened, timeline: JSON.stringify(sorted(i.timeline)), cause: i.cause, changes: i.changes };
  }
}

function view(r: ReviewRow): ReviewView {
  return {
    id: r.id,
    subject: { kind: r.subject_kind, id: r.subject_id },
    title: r.title,
    whatHappened: r.what_happened,
    timeline: JSON.parse(r.timeline) as ReviewInput['timeline'],
    cause: r.cause,
    changes: r.changes,
    authorId: r.author_id,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
