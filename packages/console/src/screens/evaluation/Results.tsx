/**
 * 评价结果: scores, grades, ranks and change per object for a period, the indicators behind them,
 * a drill-down to the cases behind any figure, the bulletin export, and the three indices.
 */
import { App, Button, Card, Col, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf, Of } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { OBJECT_TYPE_NAMES, STATE_NAMES } from '../../i18n/messages.ts';
import { Chart } from '../../lib/Chart.tsx';
import { download } from '../../lib/download.ts';
import { lastMonth } from './period.ts';

type ObjectType = 'street' | 'community' | 'grid' | 'department' | 'post' | 'person' | 'district';
type Results = Of<'/api/v1/evaluation/results', 'get'>;
type ResultRow = Results['rows'][number];
type Drilled = ItemOf<'/api/v1/evaluation/drill', 'get'>;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
const GRADE_COLOR: Record<string, string> = { A: 'green', B: 'blue', C: 'gold', D: 'orange', E: 'red' };

export function Results() {
  const { t, lang, name } = useI18n();
  const { message } = App.useApp();
  const [period, setPeriod] = useState(lastMonth);
  const [type, setType] = useState<ObjectType>('street');
  const [r, setR] = useState<Results | null>(null);
  const [loading, setLoading] = useState(false);
  const [drill, setDrill] = useState<{ title: string; items: Drilled[] } | null>(null);
  const [indices, setIndices] = useState<Of<'/api/v1/indices', 'get'>['months']>([]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setR(await ok(api.GET('/api/v1/evaluation/results', { params: { query: { period, objectType: type, limit: 500 } } })));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [period, type, message]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    const y = new Date().getFullYear();
    void ok(api.GET('/api/v1/indices', { params: { query: { from: `${y - 1}-01`, to: `${y}-12` } } }))
      .then((x) => setIndices(x.months))
      .catch(() => undefined);
  }, []);

  const composite = r?.composites[0];
  const shown = r ? ['close_rate', 'closed_on_time_rate', 'rework_rate', 'satisfaction_all'].map((id) => r.indicators.find((i) => i.id === id)).filter((x) => !!x) : [];

  async function open(row: ResultRow, figure: string) {
    try {
      const d = await ok(api.GET('/api/v1/evaluation/drill', { params: { query: { period, object: row.object.key, figure, limit: 200 } } }));
      setDrill({ title: `${row.object.name} · ${figure}`, items: d.items });
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  const label = (x: { zh: string; en: string }) => (lang === 'zh-CN' ? x.zh : x.en);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Space.Compact>
          <Button disabled>{t('period')}</Button>
          <Input aria-label={t('period')} value={period} onChange={(e) => setPeriod(e.target.value)} onPressEnter={() => void load()} style={{ width: 200 }} />
        </Space.Compact>
        <Select<ObjectType>
          aria-label={t('objectType')}
          value={type}
          onChange={setType}
          options={(['street', 'community', 'grid', 'department', 'post', 'person', 'district'] as const).map((v) => ({
            value: v,
            label: name(OBJECT_TYPE_NAMES, v),
          }))}
        />
        <Button onClick={() => void load()}>{t('refresh')}</Button>
        <Button onClick={() => void download(`/api/v1/evaluation/export?period=${encodeURIComponent(period)}&objectType=${type}&format=xlsx`, `evaluation-${type}-${period}.xlsx`).catch((e) => message.error(e.message))}>{t('exportXlsx')}</Button>
        <Button onClick={() => void download(`/api/v1/evaluation/export?period=${encodeURIComponent(period)}&objectType=${type}&format=csv`, `evaluation-${type}-${period}.csv`).catch((e) => message.error(e.message))}>{t('exportCsv')}</Button>
        {r && <Typography.Text type="secondary">{`${r.period.label} · v${r.scheme.version} ${r.scheme.name}`}</Typography.Text>}
      </Space>
      <Table<ResultRow>
        size="small"
        loading={loading}
        rowKey={(x) => x.object.key}
        dataSource={r?.rows ?? []}
        pagination={{ pageSize: 50 }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('rank'), render: (_, x) => (composite ? (x.scores[composite.id]?.rank ?? '—') : '—'), width: 60 },
          { title: t('name'), render: (_, x) => x.object.name },
          ...(composite
            ? [
                { title: `${label(composite)} ${t('score')}`, render: (_: unknown, x: ResultRow) => x.scores[composite.id]?.score?.toFixed(1) ?? '—' },
                {
                  title: t('grade'),
                  render: (_: unknown, x: ResultRow) => {
                    const g = x.scores[composite.id]?.grade;
                    return g ? <Tag color={GRADE_COLOR[g]}>{g}</Tag> : '—';
                  },
                },
                {
                  title: t('change'),
                  render: (_: unknown, x: ResultRow) => {
                    const c = x.scores[composite.id]?.change;
                    return c == null ? '—' : c.toFixed(1);
                  },
                },
              ]
            : []),
          ...shown.map((ind) => ({
            title: label(ind),
            render: (_: unknown, x: ResultRow) => (
              <Button type="link" size="small" onClick={() => void open(x, ind.id)}>
                {pct(x.indicators[ind.id])}
              </Button>
            ),
          })),
          { title: t('closedOfDue'), render: (_, x) => `${x.counts.closed ?? 0} / ${x.counts.due_to_close ?? 0}` },
        ]}
      />
      {indices.length > 0 && (
        <Card size="small" title={t('indices')}>
          <Row>
            <Col span={24}>
              <Chart
                height={240}
                label={t('indices')}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0, right: 0 },
                  grid: { left: 40, right: 16, top: 30, bottom: 24 },
                  xAxis: { type: 'category', data: indices.map((m) => m.period) },
                  yAxis: { type: 'value', min: 0, max: 100 },
                  series: (indices[0]?.indices ?? []).map((x, i) => ({ name: label(x), type: 'line', data: indices.map((m) => m.indices[i]?.value ?? null), connectNulls: false })),
                }}
              />
            </Col>
          </Row>
        </Card>
      )}
      <Modal open={!!drill} title={`${t('casesBehind')} · ${drill?.title ?? ''}`} footer={null} onCancel={() => setDrill(null)} width={800}>
        <Table
          size="small"
          rowKey="id"
          dataSource={drill?.items ?? []}
          columns={[
            { title: t('number'), dataIndex: 'number', render: (n: string, c: { id: string }) => <a href={`#/cases/${c.id}`}>{n}</a> },
            { title: t('state'), dataIndex: 'state', render: (s: string) => name(STATE_NAMES, s) },
            { title: t('description'), dataIndex: 'description', ellipsis: true },
          ]}
        />
      </Modal>
    </Space>
  );
}
