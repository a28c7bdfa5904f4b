/**
 * 评价方案: the scheme in force (version, name, composites, grade bands, red/black list sizes).
 * Evaluation managers change weights, scoring and targets and save a new version; the save names
 * the version edited, so a version saved meanwhile is refused (SCHEME_CONFLICT) rather than lost.
 */
import { Alert, App, Button, Card, Col, Input, InputNumber, Row, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { Of } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { OBJECT_TYPE_NAMES } from '../../i18n/messages.ts';
import { when } from '../../lib/format.ts';

type Loaded = Of<'/api/v1/evaluation/scheme', 'get'>;
type Scheme = Loaded['scheme'];
type Item = Scheme['composites'][number]['items'][number];
type Mapping = Item['mapping'];

const MAPPINGS = [
  ['rate', 'mapRate'],
  ['inverse_rate', 'mapInverse'],
  ['relative', 'mapRelative'],
  ['linear', 'mapLinear'],
] as const;

export function SchemeEditor() {
  const { t, lang, name } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const canEdit = has('supervisor', 'admin');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState<Scheme | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await ok(api.GET('/api/v1/evaluation/scheme'));
      setLoaded(r);
      setDraft(structuredClone(r.scheme));
    } catch (e) {
      message.error((e as Error).message);
    }
  }, [message]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!loaded || !draft) return <Spin />;
  const label = (x: { zh: string; en: string }) => (lang === 'zh-CN' ? x.zh : x.en);
  const indicator = new Map(draft.indicators.map((i) => [i.id, i]));
  const edit = (change: (s: Scheme) => void) =>
    setDraft((old) => {
      if (!old) return old;
      const next = structuredClone(old);
      change(next);
      return next;
    });
  const setItem = (ci: number, j: number, change: (item: Item) => void) =>
    edit((s) => {
      const item = s.composites[ci]?.items[j];
      if (item) change(item);
    });

  async function save() {
    if (!loaded || !draft) return;
    setSaving(true);
    try {
      const r = await ok(api.PUT('/api/v1/evaluation/scheme', { body: { ...draft, baseVersion: loaded.version } }));
      message.success(`${t('schemeSaved')}${r.version}`);
      await load();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>{t('schemeVersion')}</Typography.Text>
        <Tag color="blue" data-testid="scheme-version">
          {loaded.version ? `v${loaded.version}` : t('builtInScheme')}
        </Tag>
        {loaded.createdAt && <Typography.Text type="secondary">{when(loaded.createdAt, lang)}</Typography.Text>}
        <Input aria-label={t('schemeName')} value={draft.name} disabled={!canEdit} onChange={(e) => edit((s) => {
          s.name = e.target.value;
        })} style={{ width: 360, maxWidth: '100%' }} />
        {canEdit && (
          <Button type="primary" loading={saving} onClick={() => void save()}>
            {t('saveScheme')}
          </Button>
        )}
        <Button onClick={() => void load()}>{t('refresh')}</Button>
      </Space>
      <Row gutter={[16, 16]}>
        {draft.composites.map((c, ci) => {
          const total = c.items.reduce((n, it) => n + (it.weight || 0), 0);
          return (
            <Col key={c.id} xs={24} xl={12}>
              <Card size="small" title={`${label(c)} · ${name(OBJECT_TYPE_NAMES, c.objectType)}${c.role ? ` (${c.role})` : ''}`} extra={<Tag color={Math.abs(total - 100) < 1e-6 ? 'green' : 'red'}>{`${t('weightsTotal')}: ${total}`}</Tag>}>
                <Table<Item>
                  size="small"
                  rowKey="indicator"
                  pagination={false}
                  dataSource={c.items}
                  scroll={{ x: 'max-content' }}
                  columns={[
                    { title: t('indicator'), render: (_, it) => label(indicator.get(it.indicator) ?? { zh: it.indicator, en: it.indicator }) },
                    {
                      title: t('weight'),
                      render: (_, it, j) => (
                        <InputNumber
                          aria-label={`${label(c)} ${label(indicator.get(it.indicator) ?? { zh: it.indicator, en: it.indicator })} ${t('weight')}`}
                          min={0}
                          max={100}
                          value={it.weight}
                          disabled={!canEdit}
                          onChange={(v) => setItem(ci, j, (item) => {
                            item.weight = v ?? 0;
                          })}
                          style={{ width: 90 }}
                        />
                      ),
                    },
                    {
                      title: t('mapping'),
                      render: (_, it, j) => (
                        <Space wrap>
                          <Select
                            aria-label={`${label(c)} ${it.indicator} ${t('mapping')}`}
                            value={it.mapping.kind}
                            disabled={!canEdit}
                            style={{ width: 150 }}
                            options={MAPPINGS.map(([v, k]) => ({ value: v, label: t(k) }))}
                            onChange={(kind) =>
                              setItem(ci, j, (item) => {
                                item.mapping = kind === 'linear' ? { kind, worst: 0, best: 1 } : ({ kind } as Mapping);
                              })
                            }
                          />
                          {it.mapping.kind === 'linear' && (
                            <>
                              <InputNumber
                                aria-label={`${label(c)} ${it.indicator} ${t('worstValue')}`}
                                placeholder={t('worstValue')}
                                value={it.mapping.worst}
                                disabled={!canEdit}
                                onChange={(v) => setItem(ci, j, (item) => {
                                  if (item.mapping.kind === 'linear') item.mapping.worst = v ?? 0;
                                })}
                              />
                              <InputNumber
                                aria-label={`${label(c)} ${it.indicator} ${t('bestValue')}`}
                                placeholder={t('bestValue')}
                                value={it.mapping.best}
                                disabled={!canEdit}
                                onChange={(v) => setItem(ci, j, (item) => {
                                  if (item.mapping.kind === 'linear') item.mapping.best = v ?? 0;
                                })}
                              />
                            </>
                          )}
                        </Space>
                      ),
                    },
                  ]}
                />
              </Card>
            </Col>
          );
        })}
        <Col xs={24} xl={12}>
          <Card size="small" title={t('gradeBands')}>
            <Space wrap>
              {draft.grades.map((g, gi) => (
                <Space.Compact key={g.grade}>
                  <Button disabled>{g.grade}</Button>
                  <InputNumber aria-label={`${t('gradeBands')} ${g.grade} ${t('minScore')}`} value={g.min} min={0} max={100} disabled={!canEdit} onChange={(v) => edit((s) => {
                      (s.grades[gi] as { min: number }).min = v ?? 0;
                    })} style={{ width: 90 }} />
                </Space.Compact>
              ))}
            </Space>
            <Space wrap style={{ marginTop: 12 }}>
              <Space.Compact>
                <Button disabled>{t('redList')}</Button>
                <InputNumber aria-label={t('redList')} value={draft.redList} min={0} max={50} precision={0} disabled={!canEdit} onChange={(v) => edit((s) => {
                    s.redList = v ?? 0;
                  })} />
              </Space.Compact>
              <Space.Compact>
                <Button disabled>{t('blackList')}</Button>
                <InputNumber aria-label={t('blackList')} value={draft.blackList} min={0} max={50} precision={0} disabled={!canEdit} onChange={(v) => edit((s) => {
                    s.blackList = v ?? 0;
                  })} />
              </Space.Compact>
            </Space>
          </Card>
        </Col>
      </Row>
      {!canEdit && <Alert type="info" showIcon title={`${t('schemeVersion')} ${loaded.version}`} />}
    </Space>
  );
}
