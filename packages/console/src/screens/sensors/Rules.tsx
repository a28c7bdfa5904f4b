/** 规则: the district's alarm rules; an admin (perception.manage) switches them on and off and edits their thresholds. */
import { App, Button, Form, InputNumber, Modal, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, ok } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { URGENCY_NAMES } from '../../i18n/messages.ts';
import { useLoad } from '../../lib/use-load.ts';

/** openapi-fetch reads the `all` condition's pair as an array, so the rule is typed as the client returns it. */
const loadRules = async () => (await ok(api.GET('/api/v1/perception/rules'))).items;
type Rule = Awaited<ReturnType<typeof loadRules>>[number];
type Condition = Rule['condition'];
type Leaf = Exclude<Condition, { kind: 'all' }>;

const leaves = (c: Condition): Leaf[] => (c.kind === 'all' ? c.of : [c]);
const leafKey = (l: Leaf) => `${l.kind}-${'measurement' in l ? l.measurement : ''}`;

function leafText(l: Leaf, offline: string): string {
  if (l.kind === 'offline') return `${offline} ${l.minutes}`;
  const up = l.direction === 'above' || l.direction === 'rising';
  const what = l.kind === 'rate' ? `Δ${l.measurement}/min` : l.measurement;
  return `${what} ${up ? '≥' : '≤'} ${l.raise} (${up ? '≤' : '≥'} ${l.clear} ✓)`;
}

/** The body PUT /rules/{id} takes: the rule as it is, with the changes. */
const bodyOf = (r: Rule, change: Partial<Rule>) => {
  const x = { ...r, ...change };
  return { code: x.code, name: x.name, deviceType: x.deviceType, condition: x.condition, forMinutes: x.forMinutes, clearMinutes: x.clearMinutes, category: x.category, urgency: x.urgency, active: x.active, autoReport: x.autoReport };
};

export function Rules() {
  const { t, name } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const canManage = has('admin');
  const { data: rules, loading, reload: load } = useLoad(loadRules, [] as Rule[]);
  const [editing, setEditing] = useState<Rule | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  async function save(r: Rule, change: Partial<Rule>) {
    setBusy(true);
    try {
      await ok(api.PUT('/api/v1/perception/rules/{id}', { params: { path: { id: r.id } }, body: bodyOf(r, change) as never }));
      message.success(t('saved'));
      setEditing(null);
      await load();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function open(r: Rule) {
    setEditing(r);
    form.setFieldsValue({ forMinutes: r.forMinutes, clearMinutes: r.clearMinutes, leaves: leaves(r.condition) });
  }

  function submit(v: { forMinutes: number; clearMinutes: number; leaves: Array<Partial<Leaf>> }) {
    if (!editing) return;
    const edited = leaves(editing.condition).map((l, i) => ({ ...l, ...v.leaves[i] }) as Leaf);
    const condition: Condition = editing.condition.kind === 'all' ? { kind: 'all', of: [edited[0] as Leaf, edited[1] as Leaf] } : (edited[0] as Leaf);
    void save(editing, { condition, forMinutes: v.forMinutes, clearMinutes: v.clearMinutes });
  }

  return (
    <>
      <Table<Rule>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={rules}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('rule'), render: (_, r) => `${r.name} (${r.code})` },
          { title: t('deviceType'), dataIndex: 'deviceType' },
          { title: t('condition'), render: (_, r) => leaves(r.condition).map((l) => leafText(l, t('offlineMinutes'))).join(' ∧ ') },
          { title: t('forMinutes'), dataIndex: 'forMinutes' },
          { title: t('clearMinutes'), dataIndex: 'clearMinutes' },
          { title: t('urgency'), dataIndex: 'urgency', render: (u: string) => name(URGENCY_NAMES, u) },
          { title: t('autoReport'), render: (_, r) => (r.autoReport ? <Tag color="purple">{t('autoReport')}</Tag> : '—') },
          {
            title: t('active'),
            render: (_, r) => <Switch aria-label={`${t('active')} ${r.code}`} checked={r.active} disabled={!canManage || busy} onChange={(active) => void save(r, { active })} />,
          },
          ...(canManage
            ? [
                {
                  title: '',
                  render: (_: unknown, r: Rule) => (
                    <Button size="small" onClick={() => open(r)} aria-label={`${t('editThresholds')} ${r.code}`}>
                      {t('editThresholds')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!editing}
        title={editing ? `${t('editThresholds')} · ${editing.name}` : ''}
        onCancel={() => setEditing(null)}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={submit}>
          {editing &&
            leaves(editing.condition).map((l, i) =>
              l.kind === 'offline' ? (
                <Form.Item key={leafKey(l)} name={['leaves', i, 'minutes']} label={t('offlineMinutes')} rules={[{ required: true, message: t('required') }]}>
                  <InputNumber min={1} style={{ width: '100%' }} />
                </Form.Item>
              ) : (
                <Space key={leafKey(l)} wrap>
                  <Form.Item name={['leaves', i, 'raise']} label={`${l.measurement} ${t('raiseAt')}`} rules={[{ required: true, message: t('required') }]}>
                    <InputNumber step={0.1} />
                  </Form.Item>
                  <Form.Item name={['leaves', i, 'clear']} label={`${l.measurement} ${t('clearAt')}`} rules={[{ required: true, message: t('required') }]}>
                    <InputNumber step={0.1} />
                  </Form.Item>
                </Space>
              ),
            )}
          <Space wrap>
            <Form.Item name="forMinutes" label={t('forMinutes')} rules={[{ required: true, message: t('required') }]}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item name="clearMinutes" label={t('clearMinutes')} rules={[{ required: true, message: t('required') }]}>
              <InputNumber min={0} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </>
  );
}
