/** 督办: the supervision ledger — orders with their deadline and state; the unit responds, the issuer closes. */
import { App, Button, Card, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../api/client.ts';
import type { ItemOf } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ORDER_SOURCE_NAMES, ORDER_STATUS_NAMES } from '../i18n/messages.ts';
import { when } from '../lib/format.ts';

type Order = ItemOf<'/api/v1/supervision/orders', 'get'>;
const STATUS_COLOR: Record<string, string> = { open: 'blue', escalated: 'red', responded: 'gold', closed: 'green' };

export default function Supervision() {
  const { t, lang, name } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string | undefined>();
  const [orders, setOrders] = useState<Order[]>([]);
  const [loading, setLoading] = useState(false);
  const [acting, setActing] = useState<{ order: Order; kind: 'respond' | 'close' } | null>(null);
  const [text, setText] = useState('');
  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await ok(api.GET('/api/v1/supervision/orders', { params: { query: { limit: 200, ...(status ? { status } : {}) } } }));
      setOrders(r.items);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [status, message]);
  useEffect(() => {
    void load();
  }, [load]);

  async function submit() {
    if (!acting) return;
    try {
      const id = acting.order.id;
      if (acting.kind === 'respond') await ok(api.POST('/api/v1/supervision/orders/{id}/respond', { params: { path: { id } }, body: { text, version: acting.order.version } }));
      else await ok(api.POST('/api/v1/supervision/orders/{id}/close', { params: { path: { id } }, body: { ...(text ? { note: text } : {}), version: acting.order.version } }));
      setActing(null);
      setText('');
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <Card
      size="small"
      title={t('orders')}
      extra={
        <Space>
          <Select
            aria-label={t('status')}
            allowClear
            placeholder={t('status')}
            style={{ width: 140 }}
            value={status}
            onChange={setStatus}
            options={Object.keys(ORDER_STATUS_NAMES).map((k) => ({ value: k, label: name(ORDER_STATUS_NAMES, k) }))}
          />
          <Button onClick={() => void load()}>{t('refresh')}</Button>
        </Space>
      }
    >
      <Table<Order>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={orders}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('orderNumber'), dataIndex: 'number' },
          { title: t('orderSubject'), render: (_, o) => (o.subject.kind === 'case' ? <a href={`#/cases/${o.subject.caseId}`}>{o.subject.caseNumber ?? o.subject.caseId}</a> : o.subject.kind) },
          { title: t('unit'), render: (_, o) => o.unit?.name ?? '—' },
          { title: t('orderSource'), render: (_, o) => name(ORDER_SOURCE_NAMES, o.source) },
          { title: t('reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('respondBy'), render: (_, o) => <span style={{ color: o.overdue ? '#d4380d' : undefined }}>{when(o.deadlineAt, lang)}</span> },
          {
            title: t('status'),
            render: (_, o) => {
              return <Tag color={STATUS_COLOR[o.status]}>{name(ORDER_STATUS_NAMES, o.status)}</Tag>;
            },
          },
          {
            title: '',
            render: (_, o) => (
              <Space>
                {has('handler', 'dispatcher', 'leader', 'supervisor') && (o.status === 'open' || o.status === 'escalated') && (
                  <Button size="small" onClick={() => setActing({ order: o, kind: 'respond' })}>
                    {t('respond')}
                  </Button>
                )}
                {has('shift_leader', 'supervisor', 'leader') && o.status === 'responded' && (
                  <Button size="small" type="primary" onClick={() => setActing({ order: o, kind: 'close' })}>
                    {t('closeOrder')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
        expandable={{ rowExpandable: (o) => !!o.response, expandedRowRender: (o) => o.response?.text }}
      />
      <Modal open={!!acting} title={acting?.order.number} onCancel={() => setActing(null)} onOk={() => void submit()} okText={t('submit')} cancelText={t('cancel')}>
        <Input.TextArea aria-label={acting?.kind === 'respond' ? t('responseText') : t('note')} rows={4} value={text} onChange={(e) => setText(e.target.value)} />
      </Modal>
    </Card>
  );
}
