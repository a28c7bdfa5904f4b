/** 综合评价: results by period and object, the yellow/red cards, and the scheme; `#/evaluation/<tab>` deep-links a tab. */
import { Tabs } from 'antd';
import { go, useRoute } from '../app/router.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Cards } from './evaluation/Cards.tsx';
import { Results } from './evaluation/Results.tsx';
import { SchemeEditor } from './evaluation/Scheme.tsx';

const TABS = ['results', 'cards', 'scheme'] as const;

export default function Evaluation() {
  const { t } = useI18n();
  const [, sub] = useRoute();
  const tab = TABS.find((x) => x === sub) ?? 'results';
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => go(`evaluation/${k}`)}
      destroyOnHidden
      items={[
        { key: 'results', label: t('tabResults'), children: <Results /> },
        { key: 'cards', label: t('tabCards'), children: <Cards /> },
        { key: 'scheme', label: t('tabScheme'), children: <SchemeEditor /> },
      ]}
    />
  );
}
