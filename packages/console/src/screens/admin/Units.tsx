/** Units and grids: the tree, the selected unit with its children on the map, renaming, GeoJSON import. */
import { Alert, Button, Card, Col, Descriptions, Empty, Form, Input, Row, Space, Tree, Typography, Upload } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { ApiError, api, ok } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { UNIT_KIND_NAMES } from '../../i18n/messages.ts';
import type { AreaCollection } from '../../lib/MapView.tsx';
import { allUnits, type UnitItem } from './model.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

const MapView = lazy(() => import('../../lib/MapView.tsx'));

type Feature = AreaCollection['features'][number];
interface TreeNode {
  key: string;
  title: string;
  children: TreeNode[];
}

async function areaFeatures(): Promise<Map<string, Feature>> {
  const levels = ['street', 'community', 'grid'] as const;
  const fcs = await Promise.all(levels.map((level) => ok(api.GET('/api/v1/areas', { params: { query: { level } } }))));
  return new Map(fcs.flatMap((fc) => fc.features.map((f) => [String(f.properties?.id), f] as const)));
}

export default function Units() {
  const { t, name } = useI18n();
  const act = useAct();
  const units = useLoad(allUnits, [] as UnitItem[]);
  const areas = useLoad(areaFeatures, new Map<string, Feature>());
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [problems, setProblems] = useState<Array<{ index: number; reason: string }> | null>(null);
  const [form] = Form.useForm<{ name: string; nameEn: string }>();

  const byId = useMemo(() => new Map(units.data.map((u) => [u.id, u])), [units.data]);
  const tree = useMemo(() => {
    const nodes = new Map<string, TreeNode>(units.data.map((u) => [u.id, { key: u.id, title: `${u.name} · ${name(UNIT_KIND_NAMES, u.kind)}`, children: [] }]));
    const roots: TreeNode[] = [];
    for (const u of units.data) {
      const n = nodes.get(u.id) as TreeNode;
      const parent = u.parentId ? nodes.get(u.parentId) : undefined;
      (parent ? parent.children : roots).push(n);
    }
    return roots;
  }, [units.data, name]);
  // Streets and departments open at first, so communities are one click away.
  useEffect(() => {
    if (tree.length) setExpanded((e) => (e.length ? e : tree.map((n) => n.key)));
  }, [tree]);
  const unit = selected ? byId.get(selected) : undefined;
  const focus = useMemo<AreaCollection | null>(() => {
    if (!unit) return null;
    const own = areas.data.get(unit.id);
    const children = units.data.filter((u) => u.parentId === unit.id).flatMap((u) => areas.data.get(u.id) ?? []);
    const features = [...children.map((f) => ({ ...f, properties: { ...f.properties, selected: false } })), ...(own ? [{ ...own, properties: { ...own.properties, selected: true } }] : [])];
    return features.length ? { type: 'FeatureCollection', features } : null;
  }, [unit, units.data, areas.data]);

  const select = (id: string | null) => {
    setSelected(id);
    if (id) setExpanded((e) => (e.includes(id) ? e : [...e, id]));
    const u = id ? byId.get(id) : undefined;
    if (u) form.setFieldsValue({ name: u.name, nameEn: u.nameEn ?? '' });
  };
  const rename = async () => {
    const v = await form.validateFields();
    if (unit && (await act(() => ok(api.PATCH('/api/v1/units/{id}', { params: { path: { id: unit.id } }, body: { name: v.name, nameEn: v.nameEn || null } })), t('saved')))) await units.reload();
  };
  const importFile = async (file: File) => {
    setProblems(null);
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      setProblems([{ index: -1, reason: t('admNotJson') }]);
      return;
    }
    const done = await act(async () => {
      try {
        return await ok(api.POST('/api/v1/units/import', { body: doc as never }));
      } catch (e) {
        const d = e instanceof ApiError && e.code === 'IMPORT_INVALID' ? (e.details as { problems?: Array<{ index: number; reason: string }> } | undefined) : undefined;
        if (d?.problems) setProblems(d.problems);
        throw e;
      }
    }, t('admImported'));
    if (done) await Promise.all([units.reload(), areas.reload()]);
  };

  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('admUnitTree')} extra={<Typography.Text type="secondary">{units.data.length}</Typography.Text>}>
          <Tree<TreeNode> height={540} treeData={tree} expandedKeys={expanded} onExpand={(keys) => setExpanded(keys as string[])} selectedKeys={selected ? [selected] : []} onSelect={(keys) => select((keys[0] as string | undefined) ?? null)} />
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Card size="small">
            <Suspense fallback={null}>
              <MapView height={420} focus={focus} />
            </Suspense>
          </Card>
          <Card size="small" title={unit ? unit.name : t('admPickUnit')}>
            {unit ? (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Descriptions
                  size="small"
                  column={{ xs: 1, md: 3 }}
                  items={[
                    { key: 'code', label: t('admCode'), children: unit.code },
                    { key: 'kind', label: t('kind'), children: name(UNIT_KIND_NAMES, unit.kind) },
                    { key: 'parent', label: t('admParent'), children: (unit.parentId && byId.get(unit.parentId)?.name) || t('admRoot') },
                  ]}
                />
                <Form form={form} layout="inline" onFinish={rename}>
                  <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
                    <Input />
                  </Form.Item>
                  <Form.Item name="nameEn" label={t('admNameEn')} rules={[{ max: 100 }]}>
                    <Input />
                  </Form.Item>
                  <Button type="primary" htmlType="submit">
                    {t('save')}
                  </Button>
                </Form>
              </Space>
            ) : (
              <Empty description={t('admPickUnit')} />
            )}
          </Card>
          <Card size="small" title={t('admImportTitle')}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Typography.Text type="secondary">{t('admImportHint')}</Typography.Text>
              <Upload
                accept=".geojson,.json,application/geo+json,application/json"
                showUploadList={false}
                beforeUpload={(file) => {
                  void importFile(file);
                  return false;
                }}
              >
                <Button aria-label={t('admImportButton')}>{t('admImportButton')}</Button>
              </Upload>
              {problems && (
                <Alert
                  type="error"
                  title={t('admImportProblems')}
                  description={
                    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="import-problems">
                      {problems.map((p) => (
                        <li key={`${p.index}:${p.reason}`}>{p.index < 0 ? p.reason : `${t('admFeature')} #${p.index + 1}: ${p.reason}`}</li>
                      ))}
                    </ul>
                  }
                />
              )}
            </Space>
          </Card>
        </Space>
      </Col>
    </Row>
  );
}
