/** 红黄牌: the yellow and red cards of a period for the caller's subtree; evaluation managers issue a finished period's cards. */
import { App, Button, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { when } from '../../lib/format.ts';
import { lastMonth } from './period.ts';

type CardRow = ItemOf<'/api/v1/supervision/cards', 'get'>;
type Names = Map<string, { zh: string; en: string; format: string }>;

export function Cards() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const canIssue = has('supervisor', 'admin');
  const [period, setPeriod] = useState(lastMonth);
  const [cards, setCards] = useState<CardRow[]>([]);
  const [names, setNames] = useState<Names>(new Map());
  const [loading, setLoading] = useState(false);
  const [issuing, setIssuing] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setCards((await ok(api.GET('/api/v1/supervision/cards', { params: { query: { period } } }))).items);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [period, message]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    void ok(api.GET('/api/v1/evaluation/scheme'))
      .then((r) => setNames(new Map(r.scheme.indicators.map((i) => [i.id, i]))))
      .catch(() => undefined);
  }, []);

  async function issue() {
    setIssuing(true);
    try {
      const r = await ok(api.POST('/api/v1/evaluation/cards', { body: { period } }));
      message.success(`${t('cardsIssued')}${r.cards.length}`);
      await load();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setIssuing(false);
    }
  }

  const fmt = (indicator: string, v: number) => (names.get(indicator)?.format === 'percent' ? `${(v * 100).toFixed(1)}%` : String(Number(v.toFixed(2))));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Space.Compact>
          <Button disabled>{t('period')}</Button>
          <Input aria-label={t('period')} value={period} onChange={(e) => setPeriod(e.target.value)} style={{ width: 160 }} />
        </Space.Compact>
        <Button onClick={() => void load()}>{t('refresh')}</Button>
        {canIssue && (
          <Popconfirm title={`${t('issueCards')} · ${period}`} okText={t('submit')} cancelText={t('cancel')} onConfirm={() => issue()}>
            <Button type="primary" loading={issuing}>
              {t('issueCards')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      <Table<CardRow>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={cards}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('unit'), render: (_, c) => c.unit.name ?? c.unit.id },
          { title: t('indicator'), render: (_, c) => (lang === 'zh-CN' ? names.get(c.indicator)?.zh : names.get(c.indicator)?.en) ?? c.indicator },
          { title: t('cardColour'), dataIndex: 'colour', render: (c: string) => <Tag color={c === 'red' ? 'red' : 'gold'}>{c === 'red' ? t('redCard') : t('yellowCard')}</Tag> },
          { title: t('value'), render: (_, c) => fmt(c.indicator, c.value) },
          { title: t('threshold'), render: (_, c) => fmt(c.indicator, c.threshold) },
          { title: t('order'), render: (_, c) => (c.orderId ? <a href="#/supervision">{t('orders')}</a> : '—') },
          { title: t('cardIssuedAt'), dataIndex: 'issuedAt', render: (d: string) => when(d, lang) },
        ]}
      />
    </Space>
  );
}
