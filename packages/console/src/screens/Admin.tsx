/**
 * 系统管理: one tab per administrative job; the tab is part of the address (#/admin/<tab>).
 * Leaders and supervisors oversee administration: they see the 操作日志 tab alone.
 */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { go, useRoute } from '../app/router.ts';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import ApiKeys from './admin/ApiKeys.tsx';
import Audit from './admin/Audit.tsx';
import Calendar from './admin/Calendar.tsx';
import Categories from './admin/Categories.tsx';
import Responsibility from './admin/Responsibility.tsx';
import Settings from './admin/Settings.tsx';
import Units from './admin/Units.tsx';
import Users from './admin/Users.tsx';
import Webhooks from './admin/Webhooks.tsx';

const ADMIN = ['admin'];
/** Who may read the audit log: the roles of the server's `audit.read` permission. */
const AUDIT_READERS = ['admin', 'leader', 'supervisor'];

const TABS: Array<{ key: string; label: MessageKey; body: () => ReactNode; roles?: string[] }> = [
  { key: 'units', label: 'units', body: () => <Units /> },
  { key: 'users', label: 'users', body: () => <Users /> },
  { key: 'categories', label: 'admCategories', body: () => <Categories /> },
  { key: 'responsibility', label: 'admResponsibility', body: () => <Responsibility /> },
  { key: 'calendar', label: 'admCalendar', body: () => <Calendar /> },
  { key: 'webhooks', label: 'admWebhooks', body: () => <Webhooks /> },
  { key: 'keys', label: 'admApiKeys', body: () => <ApiKeys /> },
  { key: 'settings', label: 'admSettings', body: () => <Settings /> },
  { key: 'audit', label: 'admAudit', body: () => <Audit />, roles: AUDIT_READERS },
];

export default function Admin() {
  const { t } = useI18n();
  const { has } = useSession();
  const [, tab] = useRoute();
  const tabs = TABS.filter((x) => has(...(x.roles ?? ADMIN)));
  const active = tabs.find((x) => x.key === tab)?.key ?? tabs[0]?.key;
  return <Tabs activeKey={active} onChange={(k) => go(`admin/${k}`)} items={tabs.map((x) => ({ key: x.key, label: t(x.label), children: x.body() }))} destroyOnHidden />;
}
