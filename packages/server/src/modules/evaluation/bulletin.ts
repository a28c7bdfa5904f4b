/**
 * Evaluation results as the centres publish them: an .xlsx bulletin (通报) — a title, one ranked
 * table per composite with grade, change against the previous period and the indicators it
 * weighs, the red and black lists, and a sheet of definitions — and a flat CSV for analysts.
 */
import ExcelJS from 'exceljs';
import { COUNTS } from '@onegrid/domain/evaluation/counts';
import type { Scheme } from '@onegrid/domain/evaluation/scheme';
import type { Results } from './evaluation-service.ts';

const TYPE_NAMES: Record<string, string> = {
  district: '全区',
  street: '镇街',
  community: '社区',
  grid: '网格',
  department: '部门',
  post: '岗位',
  person: '人员',
};

const fmt = (format: string, v: number | null) => (v === null ? null : format === 'percent' ? v : Math.round(v * 100) / 100);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export async function bulletinXlsx(r: Results, scheme: Scheme, districtName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OneGrid';
  wb.created = new Date();
  const title = `${districtName}${TYPE_NAMES[r.objectType] ?? r.objectType}综合评价通报（${r.period.label}）`;
  const indicatorsById = new Map(scheme.indicators.map((i) => [i.id, i]));
  const composites = r.composites.length ? r.composites : [{ id: '', zh: '统计', en: 'figures', role: null }];

  for (const c of composites) {
    const def = scheme.composites.find((x) => x.id === c.id);
    const items = def ? def.items.map((it) => it.indicator) : scheme.indicators.map((i) => i.id);
    const ws = wb.addWorksheet(c.zh.slice(0, 28) || 'sheet', { views: [{ state: 'frozen', ySplit: 4 }] });
    const headers = ['排名', '名称', '得分', '等级', '较上期', ...items.map((id) => `${indicatorsById.get(id)?.zh ?? id}${def ? `(${def.items.find((x) => x.indicator === id)?.weight}%)` : ''}`)];
    ws.mergeCells(1, 1, 1, headers.length);
    ws.getCell(1, 1).value = `${title} — ${c.zh}`;
    ws.getCell(1, 1).font = { bold: true, size: 16 };
    ws.getCell(1, 1).alignment = { horizontal: 'center' };
    ws.mergeCells(2, 1, 2, headers.length);
    ws.getCell(2, 1).value = `评价周期 ${r.period.label}（${r.period.start} — ${r.period.end}），上期 ${r.previous}；评价方案 v${r.scheme.version} ${r.scheme.name}${r.period.closed ? '' : '；本期未结束，数据为截至目前'}`;
    ws.getRow(4).values = headers;
    ws.getRow(4).font = { bold: true };
    ws.getRow(4).alignment = { horizontal: 'center', wrapText: true };
    const rows = c.id ? r.rows.filter((x) => x.scores[c.id]) : r.rows;
    rows.sort((a, b) => (a.scores[c.id]?.rank ?? 1e9) - (b.scores[c.id]?.rank ?? 1e9));
    for (const row of rows) {
      const s = row.scores[c.id];
      const line = ws.addRow([
        s?.rank ?? null,
        row.object.name,
        round1(s?.score ?? null),
        s?.grade ?? '—',
        round1(s?.change ?? null),
        ...items.map((id) => fmt(indicatorsById.get(id)?.format ?? 'number', row.indicators[id] ?? null)),
      ]);
      items.forEach((id, j) => {
        if (indicatorsById.get(id)?.format === 'percent') line.getCell(6 + j).numFmt = '0.00%';
      });
      if (s?.grade && ['D', 'E'].includes(s.grade)) line.getCell(4).font = { color: { argb: 'FFC00000' }, bold: true };
    }
    ws.columns.forEach((col, i) => {
      col.width = i === 1 ? 24 : 12;
    });
  }

  const lists = wb.addWorksheet('红黑榜');
  lists.addRow([`${title} — 红榜 / 黑榜`]).font = { bold: true, size: 14 };
  const nameOf = new Map(r.rows.map((x) => [x.object.key, x.object.name]));
  for (const c of r.composites) {
    lists.addRow([]);
    lists.addRow([c.zh]).font = { bold: true };
    lists.addRow(['红榜 (best)', ...(r.redList[c.id] ?? []).map((k) => nameOf.get(k) ?? k)]);
    lists.addRow(['黑榜 (worst)', ...(r.blackList[c.id] ?? []).map((k) => nameOf.get(k) ?? k)]);
  }

  const notes = wb.addWorksheet('指标说明');
  notes.addRow(['指标', 'indicator', '公式 formula', '说明 definition']).font = { bold: true };
  for (const i of scheme.indicators) notes.addRow([i.zh, i.en, i.formula, i.definition ?? '']);
  notes.addRow([]);
  notes.addRow(['计数', 'count', '', '口径 counting rule']).font = { bold: true };
  for (const c of COUNTS) notes.addRow([c.zh, c.id, '', c.definition]);
  notes.addRow([]);
  notes.addRow(['等级 grades', scheme.grades.map((g) => `${g.grade} ≥ ${g.min}`).join(', ')]);
  notes.columns.forEach((col, i) => {
    col.width = [24, 28, 44, 80][i] ?? 12;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function resultsCsv(r: Results): string {
  const indicatorIds = r.indicators.map((i) => i.id);
  const header = [
    'period',
    'object_type',
    'object_id',
    'name',
    ...r.composites.flatMap((c) => [`${c.id}.score`, `${c.id}.grade`, `${c.id}.rank`, `${c.id}.change`]),
    ...indicatorIds,
    ...COUNTS.map((c) => c.id),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const row of r.rows) {
    lines.push(
      [
        r.period.label,
        row.object.type,
        row.object.id,
        row.object.name,
        ...r.composites.flatMap((c) => {
          const s = row.scores[c.id];
          return [round1(s?.score ?? null), s?.grade ?? '', s?.rank ?? '', round1(s?.change ?? null)];
        }),
        ...indicatorIds.map((id) => row.indicators[id] ?? ''),
        ...COUNTS.map((c) => row.counts[c.id] ?? 0),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  // A BOM so Excel opens the Chinese names as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
