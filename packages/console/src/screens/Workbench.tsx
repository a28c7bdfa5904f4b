/**
 * 工作台: the caller's queues with counts, lights and remaining working time; search, sorting by
 * deadline or time, "load more" paging; bulk register and bulk dispatch to one unit where the
 * queue allows it. Rows open the case (click or Enter).
 */
import { App, Badge, Button, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ok } from '../api/client.ts';
import type { ItemOf } from '../api/types.ts';
import { go } from '../app/router.ts';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CHANNEL_NAMES, type MessageKey, STATE_NAMES } from '../i18n/messages.ts';
import { LIGHT_COLOR, minutes, when } from '../lib/format.ts';
import { unitOptions } from '../lib/units.ts';

interface Queue {
  key: string;
  label: MessageKey;
  states: string;
  roles: string[];
  bulk?: 'register' | 'dispatch';
}

const QUEUES: Queue[] = [
  { key: 'accept', label: 'queueAccept', states: 'REPORTED', roles: ['intake', 'shift_leader'] },
  { key: 'register', label: 'queueRegister', states: 'ACCEPTED', roles: ['intake', 'shift_leader'], bulk: 'register' },
  { key: 'dispatch', label: 'queueDispatch', states: 'REGISTERED', roles: ['dispatcher'], bulk: 'dispatch' },
  { key: 'handle', label: 'queueHandle', states: 'DISPATCHED,HANDLING', roles: ['handler'] },
  { key: 'check', label: 'queueCheck', states: 'HANDLED,CHECKING', roles: ['grid_worker', 'supervisor'] },
  { key: 'close', label: 'queueClose', states: 'CHECKED', roles: ['shift_leader'] },
  { key: 'all', label: 'queueAll', states: '', roles: [] },
];
const PAGE = 50;

type Sort = 'deadline_asc' | 'created_desc' | 'updated_desc';
type CaseSummary = ItemOf<'/api/v1/cases', 'get'>;

export function Workbench() {
  const { has } = useSession();
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const queues = useMemo(() => QUEUES.filter((q) => q.roles.length === 0 || has(...q.roles)), [has]);
  const [active, setActive] = useState(queues[0]?.key ?? 'all');
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [rows, setRows] = useState<CaseSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<Sort>('deadline_asc');
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [units, setUnits] = useState<Array<{ value: string; label: string }>>([]);
  const [target, setTarget] = useState<string | undefined>();
  const queue = queues.find((x) => x.key === active) ?? (QUEUES[QUEUES.length - 1] as Queue);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const query = { limit: PAGE, sort, ...(queue.states ? { state: queue.states } : {}), ...(q ? { q } : {}), ...(after ? { cursor: after } : {}) };
      return ok(api.GET('/api/v1/cases', { params: { query } }));
    },
    [queue.states, q, sort],
  );

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await fetchPage(null);
      setRows(r.items);
      setCursor(r.nextCursor);
      setSelected([]);
      setRecount((n) => n + 1);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [fetchPage, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const [recount, setRecount] = useState(0);
  useEffect(() => {
    // Counts of every queue (200 and more shows as 200+), again after every reload of the list.
    void recount;
    void Promise.all(
      queues.map(async (x) => {
        const r = await ok(api.GET('/api/v1/cases', { params: { query: { limit: 200, ...(x.states ? { state: x.states } : {}) } } }));
        return [x.key, r.items.length] as const;
      }),
    )
      .then((c) => setCounts(Object.fromEntries(c)))
      .catch(() => undefined);
  }, [queues, recount]);

  useEffect(() => {
    if (queue.bulk !== 'dispatch' || units.length) return;
    void unitOptions(['department', 'street', 'community']).then(setUnits);
  }, [queue.bulk, units.length]);

  async function bulk() {
    const chosen = rows.filter((r) => selected.includes(r.id));
    let done = 0;
    const failures: string[] = [];
    for (const c of chosen) {
      const body = queue.bulk === 'dispatch' ? { version: c.version, leadUnitId: target } : { version: c.version };
      try {
        await ok(api.POST('/api/v1/cases/{id}/actions/{action}', { params: { path: { id: c.id, action: queue.bulk as 'register' } }, body }));
        done++;
      } catch (e) {
        failures.push(`${c.number}: ${(e as Error).message}`);
      }
    }
    if (done) message.success(`${t('done')}: ${done}`);
    for (const f of failures) message.error(f);
    await load();
  }

  const columns = [
    {
      title: t('light'),
      dataIndex: 'light',
      width: 64,
      render: (l: string | null) => <Badge color={LIGHT_COLOR[l ?? 'none']} text={l ? '' : '—'} aria-label={l ?? 'none'} />,
    },
    { title: t('number'), dataIndex: 'number', width: 170, render: (n: string, r: CaseSummary) => <a href={`#/cases/${r.id}`}>{n}</a> },
    { title: t('description'), dataIndex: 'description', ellipsis: true },
    { title: t('category'), render: (_: unknown, r: CaseSummary) => r.category?.name ?? r.category?.code ?? '—', width: 160, ellipsis: true },
    { title: t('state'), dataIndex: 'state', width: 100, render: (s: string) => <Tag>{name(STATE_NAMES, s)}</Tag> },
    { title: t('remaining'), dataIndex: 'remainingWorkingMinutes', width: 130, render: (m: number | null) => minutes(m, lang) },
    { title: t('leadUnit'), render: (_: unknown, r: CaseSummary) => r.leadUnit?.name ?? '—', width: 140, ellipsis: true, responsive: ['md' as const] },
    { title: t('area'), render: (_: unknown, r: CaseSummary) => r.area.community?.name ?? r.area.street?.name ?? '—', width: 140, ellipsis: true, responsive: ['lg' as const] },
    { title: t('channel'), dataIndex: 'channel', width: 100, render: (c: string) => name(CHANNEL_NAMES, c), responsive: ['lg' as const] },
    { title: t('createdAt'), dataIndex: 'createdAt', width: 170, render: (d: string) => when(d, lang), responsive: ['xl' as const] },
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Tabs
        activeKey={active}
        onChange={setActive}
        items={queues.map((x) => ({ key: x.key, label: `${t(x.label)} ${counts[x.key] === undefined ? '' : (counts[x.key] as number) >= 200 ? '200+' : counts[x.key]}` }))}
      />
      <Space wrap>
        <Input.Search aria-label={t('search')} placeholder={t('search')} allowClear onSearch={setQ} style={{ width: 280 }} />
        <Select<Sort>
          aria-label="sort"
          value={sort}
          onChange={setSort}
          options={[
            { value: 'deadline_asc', label: t('sortDeadline') },
            { value: 'created_desc', label: t('sortNewest') },
            { value: 'updated_desc', label: t('sortUpdated') },
          ]}
        />
        <Button onClick={() => void load()}>{t('refresh')}</Button>
        {queue.bulk === 'register' && (
          <Button type="primary" disabled={!selected.length} onClick={() => void bulk()}>
            {`${t('batchRegister')} (${selected.length})`}
          </Button>
        )}
        {queue.bulk === 'dispatch' && (
          <>
            <Select aria-label={t('unit')} showSearch optionFilterProp="label" placeholder={t('unit')} style={{ width: 200 }} options={units} value={target} onChange={setTarget} />
            <Button type="primary" disabled={!selected.length || !target} onClick={() => void bulk()}>
              {`${t('batchDispatch')} (${selected.length})`}
            </Button>
          </>
        )}
      </Space>
      <Table<CaseSummary>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        rowSelection={queue.bulk ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined}
        onRow={(r) => ({ onDoubleClick: () => go(`cases/${r.id}`), onKeyDown: (e) => e.key === 'Enter' && go(`cases/${r.id}`), tabIndex: 0 })}
      />
      {cursor && (
        <Button
          onClick={async () => {
            const r = await fetchPage(cursor);
            setRows((x) => [...x, ...r.items]);
            setCursor(r.nextCursor);
          }}
        >
          {t('audMore')}
        </Button>
      )}
      <Typography.Text type="secondary">{rows.length}</Typography.Text>
    </Space>
  );
}
