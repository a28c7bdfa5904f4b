/** 感知: alarms (acknowledge → case), devices on the map with their live readings, and alarm rules; `#/sensors/<tab>` deep-links a tab. */
import { Tabs } from 'antd';
import { go, useRoute } from '../app/router.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Alarms } from './sensors/Alarms.tsx';
import { Devices } from './sensors/Devices.tsx';
import { Rules } from './sensors/Rules.tsx';

const TABS = ['alarms', 'devices', 'rules'] as const;

export default function Sensors() {
  const { t } = useI18n();
  const [, sub] = useRoute();
  const tab = TABS.find((x) => x === sub) ?? 'alarms';
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => go(`sensors/${k}`)}
      destroyOnHidden
      items={[
        { key: 'alarms', label: t('alarms'), children: <Alarms /> },
        { key: 'devices', label: t('tabDevices'), children: <Devices /> },
        { key: 'rules', label: t('tabRules'), children: <Rules /> },
      ]}
    />
  );
}
