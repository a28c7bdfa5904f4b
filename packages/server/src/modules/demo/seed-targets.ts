/**
 * The demo's work-report targets: the 2024 targets and a selection of tasks of the Jiangbei
 * government work report (data/targets/jiangbei-2024.json, each with its source sentence) and
 * invented progress for 2024 (…-progress.json), reported 7 days after each period ends.
 */
import fs from 'node:fs';
import { reportPeriods } from '@onegrid/domain/targets/periods';
import { dataFile } from '../../platform/paths.ts';
import type { Services } from '../../services.ts';
import { targetRepository } from '../targets/target-repository.ts';

interface ProgressFile {
  series: Array<{ target: string; from: string; values: number[]; narrative: string; unit?: string }>;
  reports: Array<{ target: string; period: string; narrative: string; value?: number; milestonesDone?: string[]; unit?: string }>;
}

const REPORT_LAG_MS = 7 * 86_400_000;

export async function seedTargets(s: Services, districtId: string): Promise<{ targets: number; reports: number }> {
  const file = JSON.parse(fs.readFileSync(dataFile('targets', 'jiangbei-2024.json'), 'utf8')) as unknown;
  const { created } = await s.targets.importTargets(districtId, file, null);
  const progress = JSON.parse(fs.readFileSync(dataFile('targets', 'jiangbei-2024-progress.json'), 'utf8')) as ProgressFile;
  const dir = await s.org.directory(districtId);
  const byCode = new Map((await targetRepository.targets(s.store.db, districtId, { year: 2024 })).map((t) => [t.code, t]));
  const rows = [];
  const entries = [
    ...progress.series.flatMap((x) => x.values.map((value, i) => ({ target: x.target, unit: x.unit, narrative: x.narrative, value, milestonesDone: [] as string[], offset: i, from: x.from }))),
    ...progress.reports.map((x) => ({ ...x, value: x.value ?? null, milestonesDone: x.milestonesDone ?? [], offset: 0, from: x.period })),
  ];
  for (const e of entries) {
    const t = byCode.get(e.target);
    if (!t) throw new Error(`demo progress names an unknown target ${e.target}`);
    const periods = reportPeriods(t.cadence, t.year, t.deadline);
    const p = periods[periods.findIndex((x) => x.label === e.from) + e.offset];
    const unitId = e.unit ? dir.unitByCode(e.unit)?.id : t.lead_unit_id;
    if (!p || !unitId) throw new Error(`demo progress ${e.target} ${e.from}+${e.offset}: no such period or unit`);
    rows.push({
      target_id: t.id,
      period: p.label,
      period_end: p.end,
      unit_id: unitId,
      value: e.value,
      milestones_done: JSON.stringify(e.milestonesDone),
      narrative: e.narrative,
      attachments: '[]',
      reported_by: null,
      reported_at: p.end + REPORT_LAG_MS,
    });
  }
  return { targets: created, reports: await s.targets.seedProgress(districtId, rows) };
}
