/**
 * One device: its facts, the raw readings of a measurement for the last day followed live, and
 * hourly rollups for the week. Telemetry is not on the live stream (it carries case events), so
 * the panel polls for readings newer than the last one it has while it is open.
 */
import { App, Descriptions, Drawer, Empty, Grid, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DEVICE_STATE_NAMES } from '../../i18n/messages.ts';
import { Chart } from '../../lib/Chart.tsx';
import { when } from '../../lib/format.ts';
import { type Device, type DeviceType, STATE_TAG, shown } from './types.ts';

const POLL_MS = 5_000;

type Reading = ItemOf<'/api/v1/perception/devices/{code}/readings', 'get'>;
type Rollup = ItemOf<'/api/v1/perception/devices/{code}/rollups', 'get'>;

export function DevicePanel({ device, type, onClose, onReading }: { device: Device | null; type: DeviceType | undefined; onClose(): void; onReading(): void }) {
  const { t, lang, name } = useI18n();
  const { message } = App.useApp();
  const phone = !Grid.useBreakpoint().md;
  const measurements = Object.keys(type?.measurements ?? device?.latest ?? {});
  const [measurement, setMeasurement] = useState<string | undefined>();
  const [readings, setReadings] = useState<Reading[]>([]);
  const [rollups, setRollups] = useState<Rollup[]>([]);
  const code = device?.code;
  const m = measurement && measurements.includes(measurement) ? measurement : measurements[0];
  const notify = useRef(onReading);
  notify.current = onReading;

  useEffect(() => {
    setReadings([]);
    setRollups([]);
    if (!code || !m) return;
    let stopped = false;
    let last: string | undefined;
    const path = { code };
    const fetchNew = async (first: boolean) => {
      try {
        const r = await ok(api.GET('/api/v1/perception/devices/{code}/readings', { params: { path, query: { measurement: m, limit: 5000, ...(last ? { since: last } : {}) } } }));
        if (stopped) return;
        // `since` is inclusive: drop what we already hold.
        const fresh = last ? r.items.filter((x) => x.at > (last as string)) : r.items;
        if (!fresh.length) return;
        last = fresh[fresh.length - 1]?.at;
        setReadings((old) => [...old, ...fresh]);
        if (!first) notify.current();
      } catch (e) {
        if (!stopped) message.error((e as Error).message);
      }
    };
    void fetchNew(true);
    void ok(api.GET('/api/v1/perception/devices/{code}/rollups', { params: { path, query: { measurement: m, bucket: 'hour' } } }))
      .then((r) => !stopped && setRollups(r.items))
      .catch((e: Error) => !stopped && message.error(e.message));
    const timer = setInterval(() => void fetchNew(false), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [code, m, message]);

  const meta = m ? type?.measurements[m] : undefined;
  const unit = meta?.unit ?? '';
  const lastReading = readings[readings.length - 1];
  const rawOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: unit, scale: true },
      series: [{ name: m, type: 'line', showSymbol: readings.length < 60, data: readings.map((r) => [r.at, r.value]) }],
    }),
    [readings, m, unit],
  );
  const rollupOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 0 },
      grid: { left: 48, right: 16, top: 28, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: unit, scale: true },
      series: (
        [
          ['min', t('minimum')],
          ['avg', t('average')],
          ['max', t('maximum')],
        ] as const
      ).map(([k, name]) => ({ name, type: 'line', showSymbol: false, data: rollups.map((r) => [r.start, r[k]]) })),
    }),
    [rollups, unit, t],
  );

  return (
    <Drawer open={!!device} onClose={onClose} size={phone ? '100%' : 720} title={device ? `${device.name} (${device.code})` : ''} destroyOnHidden closable={{ 'aria-label': t('close') }}>
      {device && (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="device-panel">
          <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
            <Descriptions.Item label={t('deviceType')}>{lang === 'zh-CN' ? (type?.name ?? device.type) : device.type}</Descriptions.Item>
            <Descriptions.Item label={t('deviceState')}>
              <Tag color={STATE_TAG[device.state]}>{name(DEVICE_STATE_NAMES, device.state)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('lastSeen')}>{when(device.lastSeenAt, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('location')}>{`${device.lng.toFixed(5)}, ${device.lat.toFixed(5)}`}</Descriptions.Item>
          </Descriptions>
          <Space wrap>
            <Select aria-label={t('measurement')} value={m} onChange={setMeasurement} style={{ minWidth: 180 }} options={measurements.map((x) => ({ value: x, label: `${x}${type?.measurements[x]?.unit ? ` (${type.measurements[x].unit})` : ''}` }))} />
            <Typography.Text data-testid="latest-reading">{lastReading ? `${shown(lastReading.value, meta)} · ${when(lastReading.at, lang)}` : t('noReadings')}</Typography.Text>
          </Space>
          <Typography.Text strong>{t('liveReadings')}</Typography.Text>
          {readings.length ? <Chart height={260} label={`${t('liveReadings')} ${m ?? ''}`} option={rawOption} /> : <Empty description={t('noReadings')} />}
          <Typography.Text strong>{t('hourlyRollups')}</Typography.Text>
          {rollups.length ? <Chart height={220} label={`${t('hourlyRollups')} ${m ?? ''}`} option={rollupOption} /> : <Empty description={t('noReadings')} />}
        </Space>
      )}
    </Drawer>
  );
}
