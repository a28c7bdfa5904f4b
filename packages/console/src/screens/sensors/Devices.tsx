/** 设备: every device on the map coloured by state, a list filtered by type and state, and a panel per device. */
import { App, Button, Card, Col, Row, Select, Space, Spin, Table, Tag } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DEVICE_STATE_NAMES } from '../../i18n/messages.ts';
import { when } from '../../lib/format.ts';
import { useLoad } from '../../lib/use-load.ts';
import { DevicePanel } from './DevicePanel.tsx';
import { type Device, type DeviceState, type DeviceType, STATE_COLOR, STATE_TAG, shown } from './types.ts';

const MapView = lazy(() => import('../../lib/MapView.tsx'));

export function Devices() {
  const { t, lang, name } = useI18n();
  const { message } = App.useApp();
  const [types, setTypes] = useState<DeviceType[]>([]);
  const { data: devices, loading, reload: load } = useLoad(async () => (await ok(api.GET('/api/v1/perception/devices'))).items, [] as Device[]);
  const [type, setType] = useState<string | undefined>();
  const [state, setState] = useState<DeviceState | undefined>();
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    void ok(api.GET('/api/v1/perception/device-types'))
      .then((r) => setTypes(r.items))
      .catch((e: Error) => message.error(e.message));
  }, [message]);

  const typeOf = useMemo(() => new Map(types.map((x) => [x.code, x])), [types]);
  const shownDevices = devices.filter((d) => (!type || d.type === type) && (!state || d.state === state));
  const points = useMemo(() => devices.map((d) => ({ id: d.code, lng: d.lng, lat: d.lat, color: STATE_COLOR[d.state], label: d.name })), [devices]);
  const count = (s: DeviceState) => devices.filter((d) => d.state === s).length;
  const device = devices.find((d) => d.code === selected) ?? null;

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label={t('deviceType')}
          allowClear
          placeholder={t('allTypes')}
          value={type}
          onChange={setType}
          style={{ minWidth: 200 }}
          options={types.map((x) => ({ value: x.code, label: lang === 'zh-CN' ? x.name : x.code }))}
        />
        <Select<DeviceState>
          aria-label={t('deviceState')}
          allowClear
          placeholder={t('allStates')}
          value={state}
          onChange={setState}
          style={{ minWidth: 140 }}
          options={(['online', 'offline', 'alarm'] as const).map((s) => ({ value: s, label: name(DEVICE_STATE_NAMES, s) }))}
        />
        <Button onClick={() => void load()}>{t('refresh')}</Button>
        {(['online', 'offline', 'alarm'] as const).map((s) => (
          <Tag key={s} color={STATE_TAG[s]} data-testid={`count-${s}`}>{`${name(DEVICE_STATE_NAMES, s)} ${count(s)}`}</Tag>
        ))}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('deviceMap')}>
            <Suspense fallback={<Spin />}>
              <MapView height={420} communities points={points} onPointClick={setSelected} />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Table<Device>
            size="small"
            rowKey="code"
            loading={loading}
            dataSource={shownDevices}
            pagination={{ pageSize: 20 }}
            scroll={{ x: 'max-content' }}
            onRow={(d) => ({ onClick: () => setSelected(d.code), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('deviceCode'), dataIndex: 'code', render: (c: string) => <Button type="link" size="small" onClick={() => setSelected(c)}>{c}</Button> },
              { title: t('name'), dataIndex: 'name' },
              { title: t('deviceType'), dataIndex: 'type', render: (c: Device['type']) => (lang === 'zh-CN' ? (typeOf.get(c)?.name ?? c) : c) },
              { title: t('deviceState'), dataIndex: 'state', render: (s: DeviceState) => <Tag color={STATE_TAG[s]}>{name(DEVICE_STATE_NAMES, s)}</Tag> },
              { title: t('lastSeen'), dataIndex: 'lastSeenAt', render: (a: string | null) => when(a, lang) },
              {
                title: t('latestValues'),
                render: (_, d) =>
                  Object.entries(d.latest)
                    .map(([m, v]) => `${m} ${shown(v.value, typeOf.get(d.type)?.measurements[m])}`)
                    .join('; ') || '—',
              },
            ]}
          />
        </Col>
      </Row>
      <DevicePanel device={device} type={device ? typeOf.get(device.type) : undefined} onClose={() => setSelected(null)} onReading={() => void load()} />
    </Space>
  );
}
