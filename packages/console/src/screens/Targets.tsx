/** 目标任务: the leaders' board (counts by status, what needs attention, overdue reports) and the ledger. */
import { Alert, App, Button, Card, Col, Input, Row, Space, Statistic, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api, ok } from '../api/client.ts';
import type { ItemOf, Of } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { TARGET_STATUS_NAMES } from '../i18n/messages.ts';

type Target = ItemOf<'/api/v1/targets', 'get'>;
type Board = Of<'/api/v1/targets/board', 'get'>;
const STATUS_COLOR: Record<string, string> = { on_track: 'green', at_risk: 'gold', behind: 'red', achieved: 'blue' };

export default function Targets() {
  const { t, lang, name } = useI18n();
  const { message } = App.useApp();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [board, setBoard] = useState<Board | null>(null);
  const [items, setItems] = useState<Target[]>([]);
  useEffect(() => {
    const query = { year: Number(year) };
    void Promise.all([ok(api.GET('/api/v1/targets/board', { params: { query } })), ok(api.GET('/api/v1/targets', { params: { query } }))])
      .then(([b, l]) => {
        setBoard(b);
        setItems(l.items);
      })
      .catch((e) => message.error((e as Error).message));
  }, [year, message]);
  const zh = lang === 'zh-CN';
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space.Compact>
        <Button disabled>{t('year')}</Button>
        <Input aria-label="year" value={year} onChange={(e) => setYear(e.target.value)} style={{ width: 120 }} />
      </Space.Compact>
      {board && (
        <Row gutter={[12, 12]}>
          {Object.entries(STATUS_COLOR).map(([k, c]) => (
            <Col xs={12} md={6} key={k}>
              <Card size="small">
                <Statistic title={name(TARGET_STATUS_NAMES, k)} value={board.byStatus[k as keyof Board['byStatus']] ?? 0} styles={{ content: { color: c === 'gold' ? '#d48806' : c } }} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      {board && board.overdueByUnit.length > 0 && (
        <Alert type="warning" showIcon title={`${t('overdueReports')}: ${board.overdueByUnit.map((u) => `${u.unit?.name ?? '?'} ${u.count}`).join('、')}`} />
      )}
      <Card size="small" title={t('board')}>
        <Table<Target>
          size="small"
          rowKey="id"
          dataSource={items}
          pagination={{ pageSize: 50 }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('target'), render: (_, x) => (zh ? x.name : (x.nameEn ?? x.name)) },
            { title: t('category'), dataIndex: 'category' },
            { title: t('leadUnit'), render: (_, x) => x.leadUnit?.name ?? '—' },
            { title: t('baseline'), render: (_, x) => (x.baseline ? `${x.baseline.value} (${x.baseline.year ?? ''})` : '—') },
            { title: t('target'), render: (_, x) => (x.targetValue === null ? '—' : `${x.targetValue} ${x.unitOfMeasure ?? ''}`) },
            { title: t('progress'), render: (_, x) => (x.status.actual === null ? '—' : `${x.status.actual} / ${x.status.expected ?? '—'}`) },
            {
              title: t('status'),
              render: (_, x) => {
                return <Tag color={STATUS_COLOR[x.status.status]}>{name(TARGET_STATUS_NAMES, x.status.status)}</Tag>;
              },
            },
          ]}
        />
      </Card>
    </Space>
  );
}
