/**
 * One case: every field, its place on the map, photos, the event timeline (with supervision and
 * postponement history), and exactly the actions the API says the caller may take now, each
 * with a validated form. A refusal shows the API's own message. Possible duplicates sit side by
 * side with a merge, then the case's supervision orders and its postponement/suspension history.
 */
import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, ok } from '../api/client.ts';
import type { CaseView, ItemOf } from '../api/types.ts';
import { go } from '../app/router.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ACTION_NAMES, CHANNEL_NAMES, SATISFACTION_NAMES, STATE_NAMES, URGENCY_NAMES } from '../i18n/messages.ts';
import { AuthImage } from '../lib/AuthImage.tsx';
import { LIGHT_COLOR, minutes, when } from '../lib/format.ts';
import { subscribeLive } from '../lib/live.ts';
import { unitOptions } from '../lib/units.ts';
import { useSession } from '../app/session.tsx';
import { CaseOrders } from './case/CaseOrders.tsx';
import { DeadlineHistory } from './case/DeadlineHistory.tsx';
import { Duplicates } from './case/Duplicates.tsx';

const MapView = lazy(() => import('../lib/MapView.tsx'));

type Field = 'reason' | 'note' | 'unit' | 'units' | 'until' | 'visit' | 'master';
/** What each action asks for; `!` marks what the API requires. */
const FORMS: Record<string, Array<`${Field}` | `${Field}!`>> = {
  reject: ['reason!'],
  merge: ['master!', 'reason'],
  unmerge: ['reason!'],
  void: ['reason!'],
  dispatch: ['unit!', 'units', 'note'],
  return: ['reason!'],
  report_handled: ['note!'],
  check_pass: ['note!'],
  check_fail: ['reason!'],
  visit: ['visit!'],
  postpone_request: ['until!', 'reason!'],
  postpone_approve: ['note'],
  postpone_deny: ['reason!'],
  suspend: ['reason!'],
  resume: ['note'],
  supervise: ['reason!'],
  comment: ['note!'],
  escalate: ['reason!'],
  add_cohandler: ['units!'],
};

type EventView = ItemOf<'/api/v1/cases/{id}/events', 'get'>;

export function CaseDetail({ id }: { id: string }) {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [c, setC] = useState<CaseView | null>(null);
  const [events, setEvents] = useState<EventView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [units, setUnits] = useState<Array<{ value: string; label: string }>>([]);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    try {
      const [d, ev] = await Promise.all([ok(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })), ok(api.GET('/api/v1/cases/{id}/events', { params: { path: { id } } }))]);
      setC(d);
      setEvents(ev.items);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id]);
  useEffect(() => {
    void load();
    // Someone else moved the case: show it without a reload.
    return subscribeLive((m) => {
      if (m.data.caseId === id) void load();
    });
  }, [load, id]);
  useEffect(() => {
    if (!action || !(FORMS[action] ?? []).some((f) => f.startsWith('unit')) || units.length) return;
    void unitOptions(['department', 'street', 'community']).then(setUnits);
  }, [action, units.length]);

  if (error) return <Alert type="error" showIcon title={error} action={<Button onClick={() => go('workbench')}>{t('back')}</Button>} />;
  if (!c) return <Spin />;
  const fields = action ? (FORMS[action] ?? []) : [];
  const has = (f: Field) => fields.some((x) => x.replace('!', '') === f);
  const req = (f: Field) => fields.includes(`${f}!`);

  async function submit(a: string, v: Record<string, unknown>) {
    if (!c) return;
    const wants = (f: Field) => (FORMS[a] ?? []).some((x) => x.replace('!', '') === f);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { version: c.version };
      if (v.reason) body.reason = v.reason;
      if (v.note) body.note = v.note;
      if (v.unit) body.leadUnitId = v.unit;
      if (Array.isArray(v.units) && v.units.length) body.cohandlerUnitIds = v.units;
      if (v.until) body.until = (v.until as { toISOString(): string }).toISOString();
      if (v.master) body.masterCaseId = v.master;
      if (wants('visit')) {
        body.satisfaction = v.satisfaction;
        body.resolved = !!v.resolved;
      }
      const r = await ok(api.POST('/api/v1/cases/{id}/actions/{action}', { params: { path: { id: c.id, action: a as 'accept' } }, body: body as never }));
      setC(r);
      message.success(`${name(ACTION_NAMES, a)} ✓`);
      setAction(null);
      form.resetFields();
      await load();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button onClick={() => history.back()}>{t('back')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {c.number}
        </Typography.Title>
        <Tag color="blue">{name(STATE_NAMES, c.state)}</Tag>
        {c.light && <Tag color={LIGHT_COLOR[c.light]}>{minutes(c.remainingWorkingMinutes, lang)}</Tag>}
        {c.supervised && <Tag color="volcano">{t('supervision')}</Tag>}
        {c.suspended && <Tag>{name(ACTION_NAMES, 'suspend')}</Tag>}
      </Space>
      <Card size="small" title={t('actions')}>
        {c.allowedActions.length ? (
          <Space wrap>
            {c.allowedActions.map((a) => (
              <Button key={a} data-action={a} type={['accept', 'register', 'dispatch', 'sign', 'report_handled', 'check', 'check_pass', 'close', 'visit'].includes(a) ? 'primary' : 'default'} onClick={() => (FORMS[a] ? setAction(a) : void submit(a, {}))}>
                {name(ACTION_NAMES, a)}
              </Button>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('noActions')}</Typography.Text>
        )}
      </Card>
      <Duplicates key={`${c.id}-${c.version}`} c={c} onMerged={() => void load()} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card size="small">
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t('description')} span="filled">
                {c.description}
              </Descriptions.Item>
              <Descriptions.Item label={t('category')}>{c.category ? `${c.category.name ?? ''} (${t(c.category.kind === 'component' ? 'admComponent' : 'admMatter')} ${c.category.code})` : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('channel')}>{name(CHANNEL_NAMES, c.channel)}</Descriptions.Item>
              <Descriptions.Item label={t('area')}>{[c.area.street?.name, c.area.community?.name, c.area.grid?.name].filter(Boolean).join(' / ') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('address')}>{c.address ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('leadUnit')}>{c.leadUnit?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('cohandlers')}>{c.cohandlers.map((u) => u.name).join('、') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>{when(c.createdAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('deadline')}>{when(c.deadlineAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('urgency')}>{name(URGENCY_NAMES, c.urgency)}</Descriptions.Item>
              <Descriptions.Item label={t('reworkReturnPostpone')}>{`${c.reworkCount} / ${c.returnCount} / ${c.postponeCount}`}</Descriptions.Item>
              {c.reporter && <Descriptions.Item label={t('reporter')}>{[c.reporter.name, c.reporter.phone].filter(Boolean).join(' ')}</Descriptions.Item>}
              {c.postponement && <Descriptions.Item label={t('until')}>{`${when(c.postponement.until, lang)} ${c.postponement.reason ?? ''}`}</Descriptions.Item>}
            </Descriptions>
            {c.photos.length > 0 && (
              <Space wrap style={{ marginTop: 8 }}>
                {c.photos.map((p) => (
                  <AuthImage key={p} id={p} alt={t('photos')} />
                ))}
              </Space>
            )}
          </Card>
          {c.location && (
            <Card size="small" style={{ marginTop: 16 }}>
              <Suspense fallback={<Spin />}>
                <MapView height={260} communities points={[{ id: c.id, lng: c.location.lng, lat: c.location.lat, color: LIGHT_COLOR[c.light ?? 'none'] as string }]} />
              </Suspense>
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('timeline')}>
            <Timeline
              items={events.map((e) => ({
                color: e.action.startsWith('sla_overdue') || e.action === 'supervise' ? 'red' : e.action === 'sla_warning' ? 'orange' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{name(ACTION_NAMES, e.action)}</Typography.Text> <Typography.Text type="secondary">{when(e.at, lang)}</Typography.Text>
                    <div>
                      {[e.actor?.name, e.unit?.name].filter(Boolean).join(' · ')}
                      {e.from !== e.to && e.from ? ` ${name(STATE_NAMES, e.from)} → ${name(STATE_NAMES, e.to)}` : ''}
                    </div>
                    {(e.reason || (e.payload.note as string | undefined)) && <div>{e.reason ?? (e.payload.note as string)}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        {session.has('intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin') && (
          <Col xs={24} xl={12}>
            <CaseOrders caseId={c.id} stamp={events.length} />
          </Col>
        )}
        <Col xs={24} xl={12}>
          <DeadlineHistory events={events} />
        </Col>
      </Row>
      <Modal
        open={!!action}
        title={action ? name(ACTION_NAMES, action) : ''}
        onCancel={() => setAction(null)}
        okText={t('submit')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        forceRender
        afterClose={() => form.resetFields()}
      >
        <Form form={form} layout="vertical" onFinish={(v) => action && void submit(action, v)}>
          {has('unit') && (
            <Form.Item name="unit" label={t('leadUnit')} rules={[{ required: req('unit'), message: t('required') }]}>
              <Select showSearch optionFilterProp="label" options={units} />
            </Form.Item>
          )}
          {has('units') && (
            <Form.Item name="units" label={t('cohandlers')} rules={[{ required: req('units'), message: t('required') }]}>
              <Select mode="multiple" showSearch optionFilterProp="label" options={units} />
            </Form.Item>
          )}
          {has('master') && (
            <Form.Item name="master" label={t('masterCase')} rules={[{ required: true, message: t('required') }]}>
              <Input />
            </Form.Item>
          )}
          {has('until') && (
            <Form.Item name="until" label={t('until')} rules={[{ required: true, message: t('required') }]}>
              <DatePicker showTime style={{ width: '100%' }} />
            </Form.Item>
          )}
          {has('visit') && (
            <>
              <Form.Item name="satisfaction" label={t('satisfaction')} rules={[{ required: true, message: t('required') }]}>
                <Select
                  options={Object.keys(SATISFACTION_NAMES).map((value) => ({ value, label: name(SATISFACTION_NAMES, value) }))}
                />
              </Form.Item>
              <Form.Item name="resolved" valuePropName="checked">
                <Checkbox>{t('resolved')}</Checkbox>
              </Form.Item>
            </>
          )}
          {has('reason') && (
            <Form.Item name="reason" label={t('reason')} rules={[{ required: req('reason'), message: t('required') }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
          {has('note') && (
            <Form.Item name="note" label={t('note')} rules={[{ required: req('note'), message: t('required') }]}>
              <Input.TextArea rows={3} maxLength={4000} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
