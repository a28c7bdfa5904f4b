/** 感知告警: open alarms with their device and rule; acknowledging one makes it a case. */
import { App, Button, Card, Space, Table, Tag } from 'antd';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { go } from '../../app/router.ts';
import { useSession } from '../../app/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { when } from '../../lib/format.ts';
import { useLoad } from '../../lib/use-load.ts';

type Alarm = ItemOf<'/api/v1/perception/alarms', 'get'>;

export function Alarms() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const { data: alarms, loading, reload: load } = useLoad(async () => (await ok(api.GET('/api/v1/perception/alarms', { params: { query: { status: 'raised,acknowledged', limit: 500 } } }))).items, [] as Alarm[]);
  const canAct = has('intake', 'shift_leader', 'dispatcher', 'supervisor');
  return (
    <Card size="small" title={t('alarms')} extra={<Button onClick={() => void load()}>{t('refresh')}</Button>}>
      <Table<Alarm>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={alarms}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('raisedAt'), dataIndex: 'raisedAt', render: (d: string) => when(d, lang) },
          { title: t('device'), render: (_, a) => `${a.device.name} (${a.device.code})` },
          { title: t('rule'), render: (_, a) => a.rule.name },
          { title: t('value'), render: (_, a) => Object.entries(a.raisedValues).map(([k, v]) => `${k}=${v}`).join(', ') },
          { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'raised' ? 'red' : 'blue'}>{s === 'raised' ? t('alarmRaised') : t('alarmAcknowledged')}</Tag> },
          {
            title: '',
            render: (_, a) => (
              <Space>
                {a.caseId && <a href={`#/cases/${a.caseId}`}>{t('open')}</a>}
                {canAct && a.status === 'raised' && (
                  <Button
                    size="small"
                    type="primary"
                    onClick={async () => {
                      try {
                        const r = await ok(api.POST('/api/v1/perception/alarms/{id}/acknowledge', { params: { path: { id: a.id } } }));
                        if (r.caseId) go(`cases/${r.caseId}`);
                      } catch (e) {
                        message.error((e as Error).message);
                        await load();
                      }
                    }}
                  >
                    {t('acknowledge')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
