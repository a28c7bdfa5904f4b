/**
 * The console shell: language and theme, sign-in, then a navigation built from the user's roles.
 * Screens with maps and charts are loaded on demand so the first screen stays small.
 */
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Select, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense } from 'react';
import { I18nProvider, useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { CaseDetail } from '../screens/CaseDetail.tsx';
import { Login } from '../screens/Login.tsx';
import { NewReport } from '../screens/NewReport.tsx';
import { Workbench } from '../screens/Workbench.tsx';
import { go, useRoute } from './router.ts';
import { SessionProvider, useSession } from './session.tsx';

const Cockpit = lazy(() => import('../screens/Cockpit.tsx'));
const Evaluation = lazy(() => import('../screens/Evaluation.tsx'));
const Sensors = lazy(() => import('../screens/Sensors.tsx'));
const Targets = lazy(() => import('../screens/Targets.tsx'));
const Supervision = lazy(() => import('../screens/Supervision.tsx'));
const Admin = lazy(() => import('../screens/Admin.tsx'));

const ALL = ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', 'admin'];
const NAV: Array<{ key: string; label: MessageKey; roles: string[] }> = [
  { key: 'workbench', label: 'workbench', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader'] },
  { key: 'report', label: 'newReport', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor'] },
  { key: 'cockpit', label: 'cockpit', roles: ALL },
  { key: 'evaluation', label: 'evaluation', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'] },
  { key: 'sensors', label: 'sensors', roles: ALL },
  { key: 'supervision', label: 'supervision', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'] },
  { key: 'targets', label: 'targets', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'] },
  // Leaders and supervisors find the audit log (操作日志) here; the other admin tabs stay the admin's.
  { key: 'admin', label: 'admin', roles: ['admin', 'leader', 'supervisor'] },
];

function Shell() {
  const { me, loading, signOut, has } = useSession();
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  if (loading) return <Spin fullscreen />;
  if (!me) return <Login />;
  const nav = NAV.filter((n) => has(...n.roles));
  const home = nav[0]?.key ?? 'cockpit';
  const [first = home, second] = route;
  const page: Record<string, ReactNode> = {
    workbench: <Workbench />,
    report: <NewReport />,
    cases: second ? <CaseDetail id={second} /> : <Workbench />,
    cockpit: <Cockpit />,
    evaluation: <Evaluation />,
    sensors: <Sensors />,
    targets: <Targets />,
    supervision: <Supervision />,
    admin: <Admin />,
  };
  const allowed = first === 'cases' || nav.some((n) => n.key === first);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16 }}>
        <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {t('appName')}
        </Typography.Text>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[first === 'cases' ? 'workbench' : first]}
          items={nav.map((n) => ({ key: n.key, label: <a href={`#/${n.key}`}>{t(n.label)}</a> }))}
          style={{ flex: 1, minWidth: 0 }}
        />
        <Space>
          <Select
            aria-label={t('language')}
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en-US', label: 'English' },
            ]}
          />
          <Typography.Text style={{ color: '#ddd' }} data-testid="whoami">
            {me.displayName}
          </Typography.Text>
          <Button size="small" onClick={() => void signOut().then(() => go(''))}>
            {t('signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        <Suspense fallback={<Spin />}>{allowed ? page[first] : page[home]}</Suspense>
      </Layout.Content>
    </Layout>
  );
}

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1464c8' } }}>
      <AntApp>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}
