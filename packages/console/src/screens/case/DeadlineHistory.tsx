/** 延期、挂账与退回: postponement requests and their decisions, suspensions and returns, from the case's events. */
import { Card, Table, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { ACTION_NAMES } from '../../i18n/messages.ts';
import { when } from '../../lib/format.ts';

export interface CaseEvent {
  id: string;
  action: string;
  at: string;
  actor: { name: string | null } | null;
  unit: { name: string | null } | null;
  reason: string | null;
  payload: Record<string, unknown>;
}

const KINDS: Record<string, string> = { postpone_request: 'gold', postpone_approve: 'green', postpone_deny: 'red', suspend: 'default', resume: 'blue', return: 'volcano' };

/** The deadline an event asked for or set: stored as an ISO string or as epoch milliseconds. */
function deadlineOf(e: CaseEvent): string | null {
  const v = e.action === 'postpone_deny' ? e.payload.requestedUntil : e.action.startsWith('postpone') ? e.payload.until : null;
  if (typeof v === 'number' || typeof v === 'string') return new Date(v).toISOString();
  return null;
}

export function DeadlineHistory({ events }: { events: CaseEvent[] }) {
  const { t, name, lang } = useI18n();
  const rows = events.filter((e) => e.action in KINDS);
  return (
    <Card size="small" title={t('deadlineHistory')} data-testid="deadline-history">
      {rows.length === 0 ? (
        <Typography.Text type="secondary">{t('noDeadlineHistory')}</Typography.Text>
      ) : (
        <Table<CaseEvent>
          size="small"
          rowKey="id"
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('step'), render: (_, e) => <Tag color={KINDS[e.action]}>{name(ACTION_NAMES, e.action)}</Tag> },
            { title: t('atTime'), render: (_, e) => when(e.at, lang) },
            { title: t('byWhom'), render: (_, e) => [e.actor?.name, e.unit?.name].filter(Boolean).join(' · ') || '—' },
            { title: t('newDeadline'), render: (_, e) => when(deadlineOf(e), lang) },
            { title: t('reason'), render: (_, e) => e.reason ?? (e.payload.note as string | undefined) ?? '—' },
          ]}
        />
      )}
    </Card>
  );
}
