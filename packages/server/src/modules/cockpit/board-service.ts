/**
 * The district boards (专题看板): their definitions live in the district's settings (the shipped
 * DEFAULT_BOARDS until an admin saves others), each caller sees only the widgets whose source
 * their roles may read, and a board's data is computed per widget — one failing source shows
 * its error in its own widget, not on the whole board.
 */
import { hasPermission } from '@onegrid/domain/access/roles';
import { type Board, boardProblems, DEFAULT_BOARDS, SOURCES, widgetParams } from '@onegrid/domain/cockpit/boards';
import { DomainError, isDomainError } from '@onegrid/domain/errors';
import { notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/principal.ts';
import type { OrgService } from '../org/org-service.ts';
import { boardSources, type SourceDeps, type WidgetData } from './board-sources.ts';

export type WidgetResult = Board['widgets'][number] & { data: WidgetData | null; error: { code: string; message: string } | null };

export class BoardService {
  private readonly sources: ReturnType<typeof boardSources>;
  private readonly now: () => number;

  constructor(
    private readonly org: OrgService,
    deps: SourceDeps,
  ) {
    this.sources = boardSources(deps);
    this.now = deps.now;
  }

  private async stored(districtId: string): Promise<{ boards: Board[]; custom: boolean }> {
    const d = await this.org.districtById(districtId);
    const saved = (JSON.parse(d?.settings ?? '{}') as { cockpitBoards?: Board[] }).cockpitBoards;
    return saved ? { boards: saved, custom: true } : { boards: DEFAULT_BOARDS, custom: false };
  }

  /** The boards as the caller may see them (widgets they may not read left out, empty boards dropped). */
  async boards(p: Principal): Promise<{ custom: boolean; boards: Board[] }> {
    const { boards, custom } = await this.stored(p.districtId);
    const visible = boards
      .map((b) => ({ ...b, widgets: b.widgets.filter((w) => hasPermission(p.roles, SOURCES[w.source].permission)) }))
      .filter((b) => b.widgets.length > 0);
    return { custom, boards: visible };
  }

  /** Replaces the district's boards (all of them); `null` goes back to the shipped ones. */
  async save(p: Principal, boards: Board[] | null): Promise<{ custom: boolean; boards: Board[] }> {
    if (boards) {
      const problems = boardProblems(boards);
      if (problems.length) {
        throw new DomainError('VALIDATION_FAILED', `body.${problems[0]}`, { issues: problems.map((x) => ({ path: `body.${x.split(':')[0]}`, message: x.slice(x.indexOf(':') + 2) })) });
      }
    }
    const summary = boards ? { boards: boards.map((b) => ({ code: b.code, widgets: b.widgets.length })) } : { reset: true };
    await this.org.updateSettings(p.districtId, { cockpitBoards: boards ?? undefined }, { by: p, action: 'boards.save', summary });
    return this.boards(p);
  }

  async data(p: Principal, code: string): Promise<{ code: string; at: string; widgets: WidgetResult[] }> {
    const board = (await this.boards(p)).boards.find((b) => b.code === code);
    if (!board) throw notFound(`board ${code}`);
    const memo = {};
    const widgets = await Promise.all(
      board.widgets.map(async (w): Promise<WidgetResult> => {
        try {
          return { ...w, data: await this.sources[w.source](p, widgetParams(w), memo), error: null };
        } catch (e) {
          if (!isDomainError(e)) throw e;
          return { ...w, data: null, error: { code: e.code, message: e.message } };
        }
      }),
    );
    return { code, at: new Date(this.now()).toISOString(), widgets };
  }
}
