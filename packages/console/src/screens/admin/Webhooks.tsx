/** Webhooks: register (the signing secret is shown once), pause/resume, remove, and the delivery log. */
import { App, Button, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { SecretOnce } from './Secret.tsx';
import { fmtTime } from './time.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

type Hook = ItemOf<'/api/v1/webhooks', 'get'>;
type Delivery = ItemOf<'/api/v1/webhooks/{id}/deliveries', 'get'>;

const TOPIC = /^(\*|[a-z_]+\.(\*|[a-z_]+))$/;

export default function Webhooks() {
  const { t, lang } = useI18n();
  const act = useAct();
  const { message } = App.useApp();
  const hooks = useLoad(async () => (await ok(api.GET('/api/v1/webhooks'))).items, [] as Hook[]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<{ hook: Hook; items: Delivery[] } | null>(null);
  const [form] = Form.useForm<{ url: string; topics: string[] }>();

  const create = async () => {
    const v = await form.validateFields();
    let s = '';
    const done = await act(async () => {
      s = (await ok(api.POST('/api/v1/webhooks', { body: v }))).secret;
    }, t('admCreated'));
    if (done) {
      setCreating(false);
      setSecret(s);
      await hooks.reload();
    }
  };
  const setActive = async (h: Hook) => {
    const verb = h.active ? 'disable' : 'enable';
    if (await act(() => ok(api.POST('/api/v1/webhooks/{id}/{verb}', { params: { path: { id: h.id, verb } } })), t('saved'))) await hooks.reload();
  };
  const remove = async (h: Hook) => {
    if (await act(() => ok(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: h.id } } })), t('admDeleted'))) await hooks.reload();
  };
  const showLog = async (h: Hook) => {
    try {
      const r = await ok(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: h.id }, query: { limit: 100 } } }));
      setLog({ hook: h, items: r.items });
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => {
          form.resetFields();
          setCreating(true);
        }}>
        {t('admNewWebhook')}
      </Button>
      <Table<Hook>
        size="small"
        rowKey="id"
        loading={hooks.loading}
        dataSource={hooks.data}
        scroll={{ x: 800 }}
        columns={[
          { title: 'URL', dataIndex: 'url' },
          { title: t('admTopics'), render: (_, h) => h.topics.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: t('admCreatedAt'), render: (_, h) => fmtTime(h.createdAt, lang) },
          { title: t('status'), render: (_, h) => (h.active ? <Tag color="green">{t('active')}</Tag> : <Tag color="orange">{t('admPaused')}</Tag>) },
          {
            title: t('admOperations'),
            render: (_, h) => (
              <Space wrap>
                <Button size="small" onClick={() => setActive(h)}>
                  {h.active ? t('admPause') : t('admResume')}
                </Button>
                <Button size="small" onClick={() => showLog(h)}>
                  {t('admDeliveries')}
                </Button>
                <Popconfirm title={t('admDeleteQ')} onConfirm={() => remove(h)} okText={t('admConfirm')} cancelText={t('cancel')}>
                  <Button size="small" danger>
                    {t('admDelete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal title={t('admNewWebhook')} open={creating} onOk={create} onCancel={() => setCreating(false)} okText={t('admCreate')} cancelText={t('cancel')} forceRender>
        <Form form={form} layout="vertical" initialValues={{ topics: ['case.*'] }}>
          <Form.Item name="url" label="URL" rules={[{ required: true, message: t('required') }, { pattern: /^https?:\/\/[^\s/]+\S*$/, message: t('admUrlRule') }]}>
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item
            name="topics"
            label={t('admTopics')}
            extra={t('admTopicsHint')}
            rules={[{ required: true, type: 'array', min: 1, message: t('required') }, { validator: (_, v: string[] = []) => (v.every((x) => TOPIC.test(x)) ? Promise.resolve() : Promise.reject(new Error(t('admTopicsHint')))) }]}
          >
            <Select mode="tags" options={['case.*', '*', 'alarm.*', 'supervision.*'].map((x) => ({ value: x, label: x }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce title={t('admWebhookCreated')} secret={secret} onClose={() => setSecret(null)} />
      <Drawer title={`${t('admDeliveries')}：${log?.hook.url ?? ''}`} open={log !== null} onClose={() => setLog(null)} size="large">
        <Table<Delivery>
          size="small"
          rowKey="id"
          dataSource={log?.items ?? []}
          columns={[
            { title: t('admTopic'), dataIndex: 'topic' },
            { title: t('admAttempts'), dataIndex: 'attempts' },
            { title: t('admDelivered'), render: (_, d) => fmtTime(d.deliveredAt, lang) },
            { title: t('admFailed'), render: (_, d) => fmtTime(d.failedAt, lang) },
            { title: t('admLastError'), render: (_, d) => [d.lastStatus, d.lastError].filter((x) => x != null).join(' ') },
          ]}
        />
      </Drawer>
    </Space>
  );
}
