/**
 * One district board (专题看板), drawn from its definition: each widget is a card with a chart,
 * a table or a figure, in the width the board gives it. It refreshes each minute, and on case
 * events (coalesced, at most every few seconds) when it shows case, alarm or device figures.
 */
import { SOURCES } from '@onegrid/domain/cockpit/boards';
import { Alert, Card, Col, Empty, Row, Spin, Statistic, Table } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { Of } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Chart } from '../../lib/Chart.tsx';
import { coalesce } from '../../lib/coalesce.ts';
import { LIGHT_COLOR } from '../../lib/format.ts';
import { subscribeLive } from '../../lib/live.ts';
import { type Cell, cellText, chartOption, type Text, textOf } from '../../lib/widget-chart.ts';

type BoardDef = Of<'/api/v1/cockpit/boards', 'get'>['boards'][number];
type WidgetResult = Of<'/api/v1/cockpit/boards/{code}/data', 'get'>['widgets'][number];

const MIN_GAP_MS = 3000;
const LIVE_SOURCE = /^(cases|alarms|devices)\./;

export function Board({ board }: { board: BoardDef }) {
  const { lang, t } = useI18n();
  const [widgets, setWidgets] = useState<WidgetResult[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const r = await ok(api.GET('/api/v1/cockpit/boards/{code}/data', { params: { path: { code: board.code } } }));
        if (alive) {
          setWidgets(r.widgets);
          setFailed(null);
        }
      } catch (e) {
        if (alive) setFailed((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, MIN_GAP_MS));
    };
    const refresh = coalesce(load);
    void refresh();
    // Boards of case, alarm or device figures follow the live stream; the others (evaluation,
    // targets, supervision) recompute whole periods and change slowly: once a minute is enough.
    const stop = board.widgets.some((w) => LIVE_SOURCE.test(w.source)) ? subscribeLive((m) => m.topic.startsWith('case.') && void refresh()) : () => undefined;
    const every = window.setInterval(() => void refresh(), 60_000);
    return () => {
      alive = false;
      stop();
      window.clearInterval(every);
    };
  }, [board]);

  const options = useMemo(
    () => (widgets ?? []).map((w) => (w.data?.shape === 'series' && (w.type === 'line' || w.type === 'bar' || w.type === 'pie') ? chartOption(w.type, w.data, lang) : null)),
    [widgets, lang],
  );

  if (failed && !widgets) return <Alert type="error" title={failed} />;
  if (!widgets) return <Spin />;
  return (
    <Row gutter={[12, 12]} data-testid={`board-${board.code}`}>
      {widgets.map((w, i) => {
        const title = textOf(w.title ?? (SOURCES as Record<string, { title: Text }>)[w.source]?.title ?? { zh: w.source, en: w.source }, lang);
        const d = w.data;
        let body: React.ReactNode;
        if (w.error) body = <Alert type="warning" title={w.error.message} />;
        else if (!d) body = <Empty />;
        else if (d.shape === 'value')
          body = (
            <Row gutter={12}>
              <Col span={8}>
                <Statistic title={title} value={d.value} />
              </Col>
              {d.parts.map((p) => (
                <Col span={4} key={p.key}>
                  <Statistic title={textOf(p.name, lang)} value={p.value} styles={{ content: { color: LIGHT_COLOR[p.key] } }} />
                </Col>
              ))}
            </Row>
          );
        else if (d.shape === 'table')
          body = (
            <Table
              size="small"
              pagination={false}
              scroll={{ y: 260 }}
              rowKey={(r) => String(r.key ?? JSON.stringify(r))}
              dataSource={d.rows}
              locale={{ emptyText: t('noData') }}
              columns={d.columns.map((c) => ({ title: textOf(c.title, lang), dataIndex: c.key, render: (v: Cell) => cellText(v, lang) }))}
            />
          );
        else if (d.categories.length === 0) body = <Empty description={t('noData')} />;
        else body = <Chart option={options[i] as Record<string, unknown>} height={w.type === 'pie' ? 240 : Math.max(220, w.type === 'bar' ? d.categories.length * 18 : 0)} label={title} />;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a widget is its place on the board (the same source may appear twice)
          <Col xs={24} xl={w.span} key={`${w.source}-${i}`}>
            <Card size="small" title={d?.shape === 'value' ? undefined : title}>
              {body}
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}
