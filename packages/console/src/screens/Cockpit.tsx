/**
 * 驾驶舱, for a 1920×1080 wall: open cases by state and light, today's intake by channel, 30-day
 * trends, top categories and hotspots, and the district map with open cases (clustered, coloured
 * by light), open sensor alarms and a heat layer. Case events arriving on the live stream refresh
 * it within a second, without a reload.
 */
import { Badge, Card, Col, Row, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ok } from '../api/client.ts';
import { go } from '../app/router.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { CHANNEL_NAMES, STATE_NAMES } from '../i18n/messages.ts';
import { Chart } from '../lib/Chart.tsx';
import { LIGHT_COLOR } from '../lib/format.ts';
import { subscribeLive } from '../lib/live.ts';

const MapView = lazy(() => import('../lib/MapView.tsx'));

interface Overview {
  at: string;
  scope: { kind: string; name?: string };
  open: { total: number; byLight: Record<string, number>; byState: Record<string, { total: number; green: number; yellow: number; red: number; none: number }> };
  today: { day: string; byChannel: Array<{ channel: string; n: number }> };
  trend: { days: string[]; reported: number[]; closed: number[] };
  topCategories: Array<{ kind: string; code: string; name: string | null; n: number }>;
  hotspots: { communities30d: Array<{ id: string; name: string | null; n: number }>; gridsToday: Array<{ id: string; name: string | null; n: number }> };
}
interface Point {
  id: string;
  lng: number;
  lat: number;
  light: string;
}

export default function Cockpit() {
  const { t, name, lang } = useI18n();
  const [o, setO] = useState<Overview | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [alarms, setAlarms] = useState<Array<{ id: string; lng: number; lat: number }>>([]);
  const [live, setLive] = useState(false);
  const [updated, setUpdated] = useState(0);

  const load = useCallback(async () => {
    const [ov, pts] = await Promise.all([ok(api.GET('/api/v1/cockpit/overview')), ok(api.GET('/api/v1/cockpit/points', { params: { query: { limit: 20_000 } } }))]);
    setO(ov as unknown as Overview);
    setPoints((pts as unknown as { items: Point[] }).items);
    setUpdated((n) => n + 1);
  }, []);

  useEffect(() => {
    void load();
    void ok(api.GET('/api/v1/perception/alarms', { params: { query: { status: 'raised' } as never } }))
      .then((r) => setAlarms((r as unknown as { items: Array<{ id: string; device: { lng: number; lat: number } }> }).items.map((a) => ({ id: a.id, ...a.device }))))
      .catch(() => undefined);
    // The first event refreshes at once; a burst (simulate at 20 cases/s) while a refresh is in
    // flight coalesces into one more refresh after it.
    let busy = false;
    let dirty = false;
    const refresh = async () => {
      if (busy) {
        dirty = true;
        return;
      }
      busy = true;
      try {
        do {
          dirty = false;
          await load().catch(() => undefined);
        } while (dirty);
      } finally {
        busy = false;
      }
    };
    const stop = subscribeLive(() => void refresh(), setLive);
    const every = window.setInterval(() => void load(), 60_000);
    return () => {
      stop();
      window.clearInterval(every);
    };
  }, [load]);

  const trend = useMemo(
    () =>
      o && {
        tooltip: { trigger: 'axis' },
        legend: { top: 0, right: 0, data: [t('reportedN'), t('closedN')] },
        grid: { left: 40, right: 16, top: 30, bottom: 24 },
        xAxis: { type: 'category', data: o.trend.days.map((d) => d.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('reportedN'), type: 'line', smooth: true, data: o.trend.reported },
          { name: t('closedN'), type: 'line', smooth: true, data: o.trend.closed },
        ],
      },
    [o, t],
  );
  const channels = useMemo(
    () => o && { tooltip: { trigger: 'item' }, series: [{ type: 'pie', radius: ['40%', '70%'], data: o.today.byChannel.map((c) => ({ name: name(CHANNEL_NAMES, c.channel), value: c.n })) }] },
    [o, name],
  );
  const categories = useMemo(
    () =>
      o && {
        tooltip: {},
        grid: { left: 120, right: 16, top: 8, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: o.topCategories.map((c) => c.name ?? c.code) },
        series: [{ type: 'bar', data: o.topCategories.map((c) => c.n), itemStyle: { color: '#1464c8' } }],
      },
    [o],
  );
  const mapPoints = useMemo(() => points.map((p) => ({ id: p.id, lng: p.lng, lat: p.lat, color: LIGHT_COLOR[p.light] ?? '#8c8c8c' })), [points]);
  const heat = useMemo(() => points.map((p) => ({ lng: p.lng, lat: p.lat, weight: p.light === 'red' ? 3 : 1 })), [points]);

  if (!o) return <Spin />;
  return (
    <div data-testid="cockpit" data-updates={updated}>
      <Row gutter={[12, 12]} align="middle" style={{ marginBottom: 12 }}>
        <Col flex="auto">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cockpit')} · {o.scope.kind === 'street' ? o.scope.name : lang === 'zh-CN' ? '全区' : 'District'}
          </Typography.Title>
        </Col>
        <Col>
          <Badge status={live ? 'success' : 'default'} text={live ? t('live') : t('offline')} />
        </Col>
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('openCases')} value={o.open.total} data-testid="open-total" />
          </Card>
        </Col>
        {(['green', 'yellow', 'red'] as const).map((l) => (
          <Col xs={12} md={6} key={l}>
            <Card size="small">
              <Statistic title={{ green: lang === 'zh-CN' ? '绿灯' : 'Green', yellow: lang === 'zh-CN' ? '黄灯' : 'Yellow', red: lang === 'zh-CN' ? '红灯' : 'Red' }[l]} value={o.open.byLight[l] ?? 0} styles={{ content: { color: LIGHT_COLOR[l] } }} />
            </Card>
          </Col>
        ))}
      </Row>
      {/* One screen on a 1920×1080 wall: the map on the left, every panel on the right. */}
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={14}>
          <Card size="small" title={lang === 'zh-CN' ? '全区地图' : 'Map'}>
            <Suspense fallback={<Spin />}>
              <MapView height="max(360px, calc(100vh - 300px))" points={[...mapPoints, ...alarms.map((a) => ({ id: `alarm:${a.id}`, lng: a.lng, lat: a.lat, color: '#722ed1' }))]} heat={heat} onPointClick={(id) => !id.startsWith('alarm:') && go(`cases/${id}`)} />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Row gutter={[12, 12]}>
            <Col span={24}>
              <Card size="small" title={t('trend30')}>
                {trend && <Chart option={trend} height={170} label={t('trend30')} />}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('todayByChannel')}>
                {channels && <Chart option={channels} height={160} label={t('todayByChannel')} />}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('state')}>
                <Table
                  size="small"
                  pagination={false}
                  rowKey="state"
                  scroll={{ y: 130 }}
                  dataSource={Object.entries(o.open.byState).map(([state, v]) => ({ state, ...v }))}
                  columns={[
                    { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{name(STATE_NAMES, s)}</Tag> },
                    { title: '#', dataIndex: 'total' },
                    { title: <Badge color={LIGHT_COLOR.red} />, dataIndex: 'red' },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('topCategories')}>
                {categories && <Chart option={categories} height={180} label={t('topCategories')} />}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('hotspots')}>
                <Table size="small" pagination={false} rowKey="id" scroll={{ y: 150 }} dataSource={o.hotspots.communities30d} columns={[{ title: t('name'), dataIndex: 'name' }, { title: '#', dataIndex: 'n', width: 60 }]} />
              </Card>
            </Col>
          </Row>
        </Col>
      </Row>
    </div>
  );
}
