/** The responsibility matrix: category × area → responsible unit. */
import { Button, Form, Modal, Popconfirm, Select, Space, Table } from 'antd';
import { useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { allCategories, allUnits, type CategoryItem, type UnitItem, unitLabel } from './model.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

type Rule = ItemOf<'/api/v1/responsibility-rules', 'get'>;

const AREA_KINDS = new Set(['street', 'town', 'community', 'village', 'grid', 'social_grid']);
const HANDLING_KINDS = new Set(['centre', 'department', 'street', 'town', 'community', 'village']);
const WHOLE = '*';

interface RuleForm {
  category: string;
  area: string;
  unitId: string;
}

export default function Responsibility() {
  const { t } = useI18n();
  const act = useAct();
  const rules = useLoad(async () => (await ok(api.GET('/api/v1/responsibility-rules'))).items, [] as Rule[]);
  const cats = useLoad(allCategories, [] as CategoryItem[]);
  const units = useLoad(allUnits, [] as UnitItem[]);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [form] = Form.useForm<RuleForm>();
  const catOpts = useMemo(() => cats.data.filter((c) => c.active).map((c) => ({ value: `${c.kind}:${c.code}`, label: `${c.code} ${c.majorName}/${c.name}` })), [cats.data]);
  const areaOpts = useMemo(() => [{ value: WHOLE, label: t('wholeDistrict') }, ...units.data.filter((u) => AREA_KINDS.has(u.kind)).map((u) => ({ value: u.id, label: unitLabel(u) }))], [units.data, t]);
  const unitOpts = useMemo(() => units.data.filter((u) => HANDLING_KINDS.has(u.kind)).map((u) => ({ value: u.id, label: unitLabel(u) })), [units.data]);

  const open = (r: Rule | 'new') => {
    setEditing(r);
    form.resetFields();
    if (r !== 'new') form.setFieldsValue({ category: `${r.category.kind}:${r.category.code}`, area: r.area?.id ?? WHOLE, unitId: r.unit.id });
  };
  const save = async () => {
    const v = await form.validateFields();
    const [categoryKind, categoryCode] = v.category.split(':') as [Rule['category']['kind'], string];
    const rule = { categoryKind, categoryCode, areaUnitId: v.area === WHOLE ? null : v.area, unitId: v.unitId };
    const old = editing;
    const done = await act(async () => {
      if (old && old !== 'new') await ok(api.PATCH('/api/v1/responsibility-rules/{id}', { params: { path: { id: old.id } }, body: rule }));
      else await ok(api.POST('/api/v1/responsibility-rules', { body: { rules: [rule] } }));
    }, t('saved'));
    if (done) {
      setEditing(null);
      await rules.reload();
    }
  };
  const remove = async (r: Rule) => {
    if (await act(() => ok(api.DELETE('/api/v1/responsibility-rules/{id}', { params: { path: { id: r.id } } })), t('admDeleted'))) await rules.reload();
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => open('new')}>
        {t('admNewRule')}
      </Button>
      <Table<Rule>
        size="small"
        rowKey="id"
        loading={rules.loading}
        dataSource={rules.data}
        pagination={{ pageSize: 50 }}
        scroll={{ x: 800 }}
        columns={[
          { title: t('category'), render: (_, r) => `${r.category.code} ${r.category.name ?? ''}`.trim() },
          { title: t('area'), render: (_, r) => (r.area ? (r.area.name ?? r.area.id) : t('wholeDistrict')) },
          { title: t('admResponsibleUnit'), render: (_, r) => r.unit.name ?? r.unit.id },
          {
            title: t('admOperations'),
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => open(r)}>
                  {t('admEdit')}
                </Button>
                <Popconfirm title={t('admDeleteQ')} onConfirm={() => remove(r)} okText={t('admConfirm')} cancelText={t('cancel')}>
                  <Button size="small" danger>
                    {t('admDelete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal title={editing === 'new' ? t('admNewRule') : t('admEditRule')} open={editing !== null} onOk={save} onCancel={() => setEditing(null)} okText={t('save')} cancelText={t('cancel')} forceRender>
        <Form form={form} layout="vertical" initialValues={{ area: WHOLE }}>
          <Form.Item name="category" label={t('category')} rules={[{ required: true, message: t('required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={catOpts} />
          </Form.Item>
          <Form.Item name="area" label={t('area')} rules={[{ required: true, message: t('required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={areaOpts} />
          </Form.Item>
          <Form.Item name="unitId" label={t('admResponsibleUnit')} rules={[{ required: true, message: t('required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={unitOpts} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
