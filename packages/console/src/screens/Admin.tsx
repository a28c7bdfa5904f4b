/** 系统管理: users and roles, units and grids (with the map), API keys. */
import { App, Card, Space, Table, Tabs, Tag } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, ok } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

const MapView = lazy(() => import('../lib/MapView.tsx'));

interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitName: string | null;
  disabled: boolean;
}
interface Unit {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export default function Admin() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [users, setUsers] = useState<User[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [keys, setKeys] = useState<Array<{ id: string; name: string; prefix: string; createdAt: string }>>([]);
  useEffect(() => {
    void Promise.all([
      ok(api.GET('/api/v1/users', { params: { query: { limit: 1000 } as never } })),
      ok(api.GET('/api/v1/units', { params: { query: { limit: 2000 } as never } })),
      ok(api.GET('/api/v1/api-keys')),
    ])
      .then(([u, n, k]) => {
        setUsers((u as unknown as { items: User[] }).items);
        setUnits((n as unknown as { items: Unit[] }).items.filter((x) => x.kind !== 'grid'));
        setKeys((k as unknown as { items: typeof keys }).items ?? []);
      })
      .catch((e) => message.error((e as Error).message));
  }, [message]);
  return (
    <Tabs
      items={[
        {
          key: 'users',
          label: t('users'),
          children: (
            <Table<User>
              size="small"
              rowKey="id"
              dataSource={users}
              pagination={{ pageSize: 50 }}
              columns={[
                { title: t('username'), dataIndex: 'username' },
                { title: t('name'), dataIndex: 'displayName' },
                { title: t('unit'), dataIndex: 'unitName' },
                { title: t('roles'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{r}</Tag>) },
                { title: t('status'), render: (_, u) => (u.disabled ? <Tag color="red">disabled</Tag> : <Tag color="green">active</Tag>) },
              ]}
            />
          ),
        },
        {
          key: 'units',
          label: t('units'),
          children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Card size="small">
                <Suspense fallback={null}>
                  <MapView height={420} />
                </Suspense>
              </Card>
              <Table<Unit> size="small" rowKey="id" dataSource={units} pagination={{ pageSize: 50 }} columns={[{ title: 'code', dataIndex: 'code' }, { title: t('name'), dataIndex: 'name' }, { title: t('kind'), dataIndex: 'kind' }]} />
            </Space>
          ),
        },
        {
          key: 'keys',
          label: 'API keys',
          children: <Table size="small" rowKey="id" dataSource={keys} columns={[{ title: t('name'), dataIndex: 'name' }, { title: 'prefix', dataIndex: 'prefix' }, { title: t('createdAt'), dataIndex: 'createdAt' }]} />,
        },
      ]}
    />
  );
}
