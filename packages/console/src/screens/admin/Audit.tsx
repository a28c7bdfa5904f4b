/** 操作日志: administrative changes of the district, newest first, filtered and paged (load more). */
import { App, Button, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { AUDIT_ACTION_NAMES, AUDIT_SUBJECT_NAMES } from '../../i18n/messages.ts';
import { fmtTime } from './time.ts';

type Entry = ItemOf<'/api/v1/audit', 'get'>;
type Action = Entry['action'];
type SubjectKind = Entry['subjectKind'];

interface Filters {
  action?: Action;
  subjectKind?: SubjectKind;
  subjectId?: string;
  actor?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const PAGE = 50;

/** The summary as "field: value" pairs; values that are lists or objects as compact JSON. */
const summaryText = (s: Entry['summary']): string =>
  Object.entries(s)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('；');

/** What a row is about, by name where the summary carries one. */
const subjectLabel = (e: Entry): string => {
  const s = e.summary;
  const label = [s.username, s.name, s.url].find((x): x is string => typeof x === 'string');
  return label ?? e.subjectId;
};

export default function Audit() {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Filters>();
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (before: string | null) => {
      const f = form.getFieldsValue();
      const [from, to] = f.range ?? [];
      setLoading(true);
      try {
        const query = {
          limit: PAGE,
          ...(f.action ? { action: f.action } : {}),
          ...(f.subjectKind ? { subjectKind: f.subjectKind } : {}),
          ...(f.subjectId?.trim() ? { subjectId: f.subjectId.trim() } : {}),
          ...(f.actor?.trim() ? { actor: f.actor.trim() } : {}),
          ...(from ? { from: from.startOf('day').toISOString() } : {}),
          ...(to ? { to: to.add(1, 'day').startOf('day').toISOString() } : {}),
          ...(before ? { before } : {}),
        };
        const page = await ok(api.GET('/api/v1/audit', { params: { query } }));
        setItems((old) => (before ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        message.error((e as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [form, message],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const actionOptions = Object.keys(AUDIT_ACTION_NAMES).map((k) => ({ value: k, label: name(AUDIT_ACTION_NAMES, k) }));
  const subjectOptions = Object.keys(AUDIT_SUBJECT_NAMES).map((k) => ({ value: k, label: name(AUDIT_SUBJECT_NAMES, k) }));

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="inline" onFinish={() => load(null)} style={{ rowGap: 8 }}>
        <Form.Item name="action" label={t('audAction')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('audAll')} options={actionOptions} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="subjectKind" label={t('audSubjectKind')}>
          <Select allowClear placeholder={t('audAll')} options={subjectOptions} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="subjectId" label={t('audSubjectId')}>
          <Input allowClear style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="actor" label={t('byWhom')}>
          <Input allowClear placeholder={t('username')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="range" label={t('audRange')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={loading}>
              {t('audSearch')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                void load(null);
              }}
            >
              {t('audReset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <Table<Entry>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1110 }}
        columns={[
          { title: t('audTime'), width: 170, render: (_, e) => fmtTime(e.at, lang) },
          { title: t('byWhom'), width: 140, dataIndex: 'actorUsername' },
          { title: t('audAction'), width: 160, render: (_, e) => <Tag>{name(AUDIT_ACTION_NAMES, e.action)}</Tag> },
          {
            title: t('audSubject'),
            width: 220,
            render: (_, e) => (
              <Typography.Text title={e.subjectId}>
                {name(AUDIT_SUBJECT_NAMES, e.subjectKind)} · {subjectLabel(e)}
              </Typography.Text>
            ),
          },
          {
            title: t('audSummary'),
            width: 420,
            // Limits and board definitions run long: three lines, the rest on request.
            render: (_, e) => (
              <Typography.Paragraph style={{ marginBottom: 0, wordBreak: 'break-all' }} ellipsis={{ rows: 3, expandable: 'collapsible' }}>
                {summaryText(e.summary)}
              </Typography.Paragraph>
            ),
          },
        ]}
      />
      {cursor ? (
        <Button block onClick={() => load(cursor)} loading={loading}>
          {t('audMore')}
        </Button>
      ) : (
        items.length > 0 && <Typography.Text type="secondary">{t('audEnd')}</Typography.Text>
      )}
    </Space>
  );
}
