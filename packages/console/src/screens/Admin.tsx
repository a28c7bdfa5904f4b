/** 系统管理: one tab per administrative job; the tab is part of the address (#/admin/<tab>). */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { go, useRoute } from '../app/router.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import ApiKeys from './admin/ApiKeys.tsx';
import Calendar from './admin/Calendar.tsx';
import Categories from './admin/Categories.tsx';
import Responsibility from './admin/Responsibility.tsx';
import Settings from './admin/Settings.tsx';
import Units from './admin/Units.tsx';
import Users from './admin/Users.tsx';
import Webhooks from './admin/Webhooks.tsx';

const TABS: Array<{ key: string; label: MessageKey; body: () => ReactNode }> = [
  { key: 'units', label: 'units', body: () => <Units /> },
  { key: 'users', label: 'users', body: () => <Users /> },
  { key: 'categories', label: 'admCategories', body: () => <Categories /> },
  { key: 'responsibility', label: 'admResponsibility', body: () => <Responsibility /> },
  { key: 'calendar', label: 'admCalendar', body: () => <Calendar /> },
  { key: 'webhooks', label: 'admWebhooks', body: () => <Webhooks /> },
  { key: 'keys', label: 'admApiKeys', body: () => <ApiKeys /> },
  { key: 'settings', label: 'admSettings', body: () => <Settings /> },
];

export default function Admin() {
  const { t } = useI18n();
  const [, tab] = useRoute();
  const active = TABS.some((x) => x.key === tab) ? (tab as string) : 'units';
  return <Tabs activeKey={active} onChange={(k) => go(`admin/${k}`)} items={TABS.map((x) => ({ key: x.key, label: t(x.label), children: x.body() }))} destroyOnHidden />;
}
