/** API keys for integrations: create (the key is shown once), revoke. */
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { fmtTime } from './time.ts';
import { SecretOnce } from './Secret.tsx';
import type { UserItem } from './model.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

type KeyItem = ItemOf<'/api/v1/api-keys', 'get'>;

export default function ApiKeys() {
  const { t, lang } = useI18n();
  const act = useAct();
  const keys = useLoad(async () => (await ok(api.GET('/api/v1/api-keys'))).items, [] as KeyItem[]);
  const users = useLoad(async () => (await ok(api.GET('/api/v1/users', { params: { query: { limit: 1000 } } }))).items, [] as UserItem[]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; userId: string }>();
  const userOpts = useMemo(() => users.data.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` })), [users.data]);

  const create = async () => {
    const v = await form.validateFields();
    let key = '';
    const done = await act(async () => {
      key = (await ok(api.POST('/api/v1/api-keys', { body: v }))).key;
    }, t('admCreated'));
    if (done) {
      setCreating(false);
      setSecret(key);
      await keys.reload();
    }
  };
  const revoke = async (k: KeyItem) => {
    if (await act(() => ok(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: k.id } } })), t('admRevoked'))) await keys.reload();
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => {
          form.resetFields();
          setCreating(true);
        }}>
        {t('admNewKey')}
      </Button>
      <Table<KeyItem>
        size="small"
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data}
        scroll={{ x: 800 }}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          { title: t('admPrefix'), dataIndex: 'prefix' },
          { title: t('admActsAs'), dataIndex: 'username' },
          { title: t('admCreatedAt'), render: (_, k) => fmtTime(k.createdAt, lang) },
          { title: t('admLastUsed'), render: (_, k) => fmtTime(k.lastUsedAt, lang) },
          { title: t('status'), render: (_, k) => (k.revokedAt ? <Tag>{t('admRevoked')}</Tag> : <Tag color="green">{t('active')}</Tag>) },
          {
            title: t('admOperations'),
            render: (_, k) =>
              !k.revokedAt && (
                <Popconfirm title={t('admRevokeQ')} onConfirm={() => revoke(k)} okText={t('admConfirm')} cancelText={t('cancel')}>
                  <Button size="small" danger aria-label={`${t('admRevoke')} ${k.name}`}>
                    {t('admRevoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal title={t('admNewKey')} open={creating} onOk={create} onCancel={() => setCreating(false)} okText={t('admCreate')} cancelText={t('cancel')} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('admKeyName')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="userId" label={t('admActsAs')} rules={[{ required: true, message: t('required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={userOpts} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce title={t('admKeyCreated')} secret={secret} onClose={() => setSecret(null)} />
    </Space>
  );
}
