/** 本案督办单: the supervision orders issued on this case, with their status, deadline and response. */
import { App, Card, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ORDER_SOURCE_NAMES, ORDER_STATUS_NAMES } from '../../i18n/messages.ts';
import { when } from '../../lib/format.ts';

type Order = ItemOf<'/api/v1/supervision/orders', 'get'>;
const STATUS_COLOR: Record<string, string> = { open: 'blue', escalated: 'red', responded: 'gold', closed: 'green' };

/** `stamp` changes when the case does, so a newly issued order shows without a reload. */
export function CaseOrders({ caseId, stamp }: { caseId: string; stamp: number }) {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const [orders, setOrders] = useState<Order[] | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: stamp is what asks for a reload
  useEffect(() => {
    let stopped = false;
    ok(api.GET('/api/v1/supervision/orders', { params: { query: { caseId, limit: 50 } } }))
      .then((r) => !stopped && setOrders(r.items))
      .catch((e: Error) => !stopped && message.error(e.message));
    return () => {
      stopped = true;
    };
  }, [caseId, stamp, message]);

  return (
    <Card size="small" title={t('caseOrders')} data-testid="case-orders">
      {orders?.length === 0 ? (
        <Typography.Text type="secondary">{t('noOrders')}</Typography.Text>
      ) : (
        <Table<Order>
          size="small"
          rowKey="id"
          loading={!orders}
          dataSource={orders ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('orderNumber'), dataIndex: 'number' },
            {
              title: t('status'),
              render: (_, o) => (
                <>
                  <Tag color={STATUS_COLOR[o.status]}>{name(ORDER_STATUS_NAMES, o.status)}</Tag>
                  {o.overdue && <Tag color="red">{t('overdueTag')}</Tag>}
                </>
              ),
            },
            { title: t('unit'), render: (_, o) => o.unit?.name ?? '—' },
            { title: t('reason'), render: (_, o) => `${name(ORDER_SOURCE_NAMES, o.source)} · ${o.reason}` },
            { title: t('issuedBy'), render: (_, o) => o.issuedBy?.name ?? name(ORDER_SOURCE_NAMES, o.source) },
            { title: t('issuedAt'), render: (_, o) => when(o.issuedAt, lang) },
            { title: t('respondBy'), render: (_, o) => when(o.deadlineAt, lang) },
            { title: t('response'), render: (_, o) => (o.response ? `${o.response.text} (${when(o.response.at, lang)})` : '—') },
          ]}
        />
      )}
    </Card>
  );
}
