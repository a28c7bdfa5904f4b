/**
 * The cockpit's first tab, for a 1920×1080 wall: open cases by state and light, today's intake by
 * channel, 7/30-day trends, top categories and hotspots, and the district map with open cases
 * (clustered, coloured by light), open sensor alarms and an H3 heat layer. Case events arriving
 * on the live stream refresh it within a second, without a reload.
 */
import { Badge, Card, Col, Row, Segmented, Spin, Statistic, Table, Tag } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { Of } from '../../api/types.ts';
import { go } from '../../app/router.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { LIGHT_NAMES } from '@onegrid/domain/labels';
import { CHANNEL_NAMES, STATE_NAMES } from '../../i18n/messages.ts';
import { Chart } from '../../lib/Chart.tsx';
import { coalesce } from '../../lib/coalesce.ts';
import type { HexCell } from '../../lib/hex-layer.ts';
import { LIGHT_COLOR } from '../../lib/format.ts';
import { subscribeLive } from '../../lib/live.ts';
import { applyCaseEvent, type OpenPoint } from '../../lib/open-points.ts';

const MapView = lazy(() => import('../../lib/MapView.tsx'));

type OverviewData = Of<'/api/v1/cockpit/overview', 'get'>;

/** `onScope` hears whose figures these are: a street's name, or null for the whole district. */
export function Overview({ onLive, onScope }: { onLive: (connected: boolean) => void; onScope: (street: string | null) => void }) {
  const { t, name } = useI18n();
  const [o, setO] = useState<OverviewData | null>(null);
  // The map's open cases: loaded whole each minute, moved by live events in between.
  const points = useRef(new Map<string, OpenPoint>());
  const [pointsVersion, setPointsVersion] = useState(0);
  const street = useRef<string | null>(null);
  const [alarms, setAlarms] = useState<Array<{ id: string; lng: number; lat: number }>>([]);
  const [hexes, setHexes] = useState<HexCell[]>([]);
  const [days, setDays] = useState<7 | 30>(30);
  const [updated, setUpdated] = useState(0);

  const loadOverview = useCallback(async () => {
    const data = await ok(api.GET('/api/v1/cockpit/overview'));
    street.current = data.scope.kind === 'street' ? data.scope.id : null;
    setO(data);
    onScope(data.scope.kind === 'street' ? data.scope.name : null);
    setUpdated((n) => n + 1);
  }, [onScope]);
  const loadPoints = useCallback(async () => {
    const r = await ok(api.GET('/api/v1/cockpit/points', { params: { query: { limit: 20_000 } } }));
    points.current = new Map(r.items.map((p) => [p.id, p]));
    setPointsVersion((n) => n + 1);
  }, []);
  const loadHeat = useCallback(async () => {
    setHexes((await ok(api.GET('/api/v1/cockpit/heat', { params: { query: { resolution: 8 } } }))).cells);
  }, []);

  useEffect(() => {
    void Promise.all([loadOverview(), loadPoints(), loadHeat()]).catch(() => undefined);
    void ok(api.GET('/api/v1/perception/alarms', { params: { query: { status: 'raised' } } }))
      .then((r) => setAlarms(r.items.map((a) => ({ id: a.id, lng: a.device.lng, lat: a.device.lat }))))
      .catch(() => undefined);
    const overview = coalesce(loadOverview);
    // The hexagons are an aggregate of every open case: at most one reload per 10 s.
    const heat = coalesce(async () => {
      await loadHeat();
      await new Promise((r) => setTimeout(r, 10_000));
    });
    // Handing 10,000 points to the map re-clusters them all: a burst redraws it twice a second, not per event.
    const redraw = coalesce(async () => {
      setPointsVersion((n) => n + 1);
      await new Promise((r) => setTimeout(r, 500));
    });
    const stop = subscribeLive((m) => {
      if (applyCaseEvent(points.current, m.topic, m.data, street.current)) void redraw();
      void overview();
      void heat();
    }, onLive);
    const every = window.setInterval(() => void Promise.all([loadOverview(), loadPoints()]).catch(() => undefined), 60_000);
    return () => {
      stop();
      window.clearInterval(every);
    };
  }, [loadOverview, loadPoints, loadHeat, onLive]);

  const trend = useMemo(
    () =>
      o && {
        // The overview carries 30 days; the 7-day view is its tail.
        tooltip: { trigger: 'axis' },
        legend: { top: 0, right: 0, data: [t('reportedN'), t('closedN')] },
        grid: { left: 40, right: 16, top: 30, bottom: 24 },
        xAxis: { type: 'category', data: o.trend.days.slice(-days).map((d) => d.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('reportedN'), type: 'line', data: o.trend.reported.slice(-days) },
          { name: t('closedN'), type: 'line', data: o.trend.closed.slice(-days) },
        ],
      },
    [o, t, days],
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
  // biome-ignore lint/correctness/useExhaustiveDependencies: pointsVersion says when the map in the ref changed
  const mapPoints = useMemo(
    () => [
      ...[...points.current.values()].map((p) => ({ id: p.id, lng: p.lng, lat: p.lat, color: LIGHT_COLOR[p.light] ?? '#8c8c8c' })),
      ...alarms.map((a) => ({ id: `alarm:${a.id}`, lng: a.lng, lat: a.lat, color: '#722ed1' })),
    ],
    [pointsVersion, alarms],
  );

  if (!o) return <Spin />;
  return (
    <div data-testid="cockpit-overview" data-updates={updated} data-points={mapPoints.length - alarms.length}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('openCases')} value={o.open.total} data-testid="open-total" />
          </Card>
        </Col>
        {(['green', 'yellow', 'red'] as const).map((l) => (
          <Col xs={12} md={6} key={l}>
            <Card size="small">
              <Statistic title={name(LIGHT_NAMES, l)} value={o.open.byLight[l] ?? 0} styles={{ content: { color: LIGHT_COLOR[l] } }} />
            </Card>
          </Col>
        ))}
      </Row>
      {/* One screen on a 1920×1080 wall: the map on the left, every panel on the right. */}
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('districtMap')}>
            <Suspense fallback={<Spin />}>
              <MapView height="max(360px, calc(100vh - 340px))" points={mapPoints} hexes={hexes} onPointClick={(id) => !id.startsWith('alarm:') && go(`cases/${id}`)} />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Row gutter={[12, 12]}>
            <Col span={24}>
              <Card
                size="small"
                title={days === 30 ? t('trend30') : t('trend7')}
                extra={<Segmented size="small" aria-label={t('trendDays')} value={days} onChange={(v) => setDays(v as 7 | 30)} options={[{ label: t('days7'), value: 7 }, { label: t('days30'), value: 30 }]} />}
              >
                {trend && <Chart option={trend} height={170} label={days === 30 ? t('trend30') : t('trend7')} />}
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
