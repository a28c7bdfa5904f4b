/** The category catalogue: browse, and change a category's time limits, default urgency and active flag. */
import { Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { LIMIT_UNIT_NAMES, STAGE_NAMES, URGENCY_NAMES } from '../../i18n/messages.ts';
import { allCategories, type CategoryItem, STAGES, URGENCIES } from './model.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

type CategoryForm = Pick<CategoryItem, 'active' | 'defaultUrgency' | 'limits'>;

export default function Categories() {
  const { t, name } = useI18n();
  const act = useAct();
  const cats = useLoad(allCategories, [] as CategoryItem[]);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<CategoryItem | null>(null);
  const [form] = Form.useForm<CategoryForm>();
  const shown = useMemo(() => (q ? cats.data.filter((c) => c.name.includes(q) || c.code.includes(q) || c.majorName.includes(q)) : cats.data), [cats.data, q]);
  const limitText = (c: CategoryItem) => {
    const h = c.limits.normal.handle;
    return `${h.amount} ${name(LIMIT_UNIT_NAMES, h.unit)}`;
  };

  const open = (c: CategoryItem) => {
    setEditing(c);
    form.setFieldsValue({ active: c.active, defaultUrgency: c.defaultUrgency, limits: c.limits });
  };
  const save = async () => {
    const v = await form.validateFields();
    if (!editing) return;
    const done = await act(
      () => ok(api.PATCH('/api/v1/categories/{kind}/{code}', { params: { path: { kind: editing.kind, code: editing.code } }, body: { active: v.active, defaultUrgency: v.defaultUrgency, limits: v.limits } })),
      t('saved'),
    );
    if (done) {
      setEditing(null);
      await cats.reload();
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.Search allowClear aria-label={t('admSearchCategory')} placeholder={t('admSearchCategory')} onSearch={setQ} style={{ maxWidth: 360 }} />
      <Table<CategoryItem>
        size="small"
        rowKey={(c) => `${c.kind}:${c.code}`}
        loading={cats.loading}
        dataSource={shown}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 900 }}
        columns={[
          { title: t('admCode'), dataIndex: 'code', width: 110 },
          { title: t('kind'), render: (_, c) => (c.kind === 'component' ? t('admComponent') : t('admMatter')), width: 90 },
          { title: t('admMajor'), dataIndex: 'majorName' },
          { title: t('name'), dataIndex: 'name' },
          { title: t('admHandleLimit'), render: (_, c) => limitText(c) },
          { title: t('status'), render: (_, c) => (c.active ? <Tag color="green">{t('active')}</Tag> : <Tag>{t('admInactive')}</Tag>) },
          {
            title: t('admOperations'),
            render: (_, c) => (
              <Button size="small" onClick={() => open(c)} aria-label={`${t('admEdit')} ${c.code}`}>
                {t('admEdit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal title={editing ? `${editing.code} ${editing.name}` : ''} open={editing !== null} onOk={save} onCancel={() => setEditing(null)} okText={t('save')} cancelText={t('cancel')} width={760} forceRender>
        <Form form={form} layout="vertical">
          <Space wrap>
            <Form.Item name="active" label={t('active')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="defaultUrgency" label={t('admDefaultUrgency')} rules={[{ required: true }]}>
              <Select style={{ width: 140 }} options={URGENCIES.map((u) => ({ value: u, label: name(URGENCY_NAMES, u) }))} />
            </Form.Item>
          </Space>
          <table style={{ width: '100%', borderCollapse: 'collapse' }}>
            <thead>
              <tr>
                <th style={{ textAlign: 'left' }}>{t('admStage')}</th>
                {URGENCIES.map((u) => (
                  <th key={u} style={{ textAlign: 'left' }}>
                    {name(URGENCY_NAMES, u)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {STAGES.map((st) => (
                <tr key={st}>
                  <td>{name(STAGE_NAMES, st)}</td>
                  {URGENCIES.map((u) => (
                    <td key={u}>
                      <Space.Compact>
                        <Form.Item name={['limits', u, st, 'amount']} noStyle rules={[{ required: true, type: 'number', min: 0.01, max: 10000 }]}>
                          <InputNumber aria-label={`${name(URGENCY_NAMES, u)} ${name(STAGE_NAMES, st)} ${t('admAmount')}`} min={0.01} max={10000} style={{ width: 90 }} />
                        </Form.Item>
                        <Form.Item name={['limits', u, st, 'unit']} noStyle>
                          <Select
                            aria-label={`${name(URGENCY_NAMES, u)} ${name(STAGE_NAMES, st)} ${t('admUnitOfTime')}`}
                            style={{ width: 90 }}
                            options={(['minute', 'hour', 'day'] as const).map((x) => ({ value: x, label: name(LIMIT_UNIT_NAMES, x) }))}
                          />
                        </Form.Item>
                      </Space.Compact>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Form>
      </Modal>
    </Space>
  );
}
