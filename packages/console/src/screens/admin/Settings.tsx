/** Intake automation and supervision settings as forms; omitted fields keep their value on the server. */
import { Button, Card, Col, Form, InputNumber, Row, Select, Space, Switch } from 'antd';
import { useEffect } from 'react';
import { api, ok } from '../../api/client.ts';
import type { Of } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { INDICATOR_NAMES } from '../../i18n/messages.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

type Intake = Of<'/api/v1/settings/intake', 'get'>;
type Supervision = Of<'/api/v1/settings/supervision', 'get'>;
type Threshold = Supervision['cards'][number];
/** A card threshold in the form: one pair of limits and which side of them is bad. */
interface CardRow {
  indicator: string;
  dir: 'below' | 'above';
  yellow: number;
  red: number;
}
interface SupervisionForm {
  responseWorkingHours: number;
  cards: CardRow[];
}
const toRow = (c: Threshold): CardRow => ('yellowBelow' in c ? { indicator: c.indicator, dir: 'below', yellow: c.yellowBelow, red: c.redBelow } : { indicator: c.indicator, dir: 'above', yellow: c.yellowAbove, red: c.redAbove });
const toCard = (r: CardRow): Threshold => (r.dir === 'below' ? { indicator: r.indicator, yellowBelow: r.yellow, redBelow: r.red } : { indicator: r.indicator, yellowAbove: r.yellow, redAbove: r.red });

const prob = { min: 0, max: 1, step: 0.05 };

function IntakeForm() {
  const { t } = useI18n();
  const act = useAct();
  const cur = useLoad(async () => await ok(api.GET('/api/v1/settings/intake')), null as Intake | null);
  const [form] = Form.useForm<Intake>();
  useEffect(() => {
    if (cur.data) form.setFieldsValue(cur.data);
  }, [cur.data, form]);
  const save = async (v: Intake) => {
    const body = { ...v, dedup: { autoThreshold: v.dedup.autoThreshold, reviewThreshold: v.dedup.reviewThreshold } };
    if (await act(() => ok(api.PUT('/api/v1/settings/intake', { body })), t('saved'))) await cur.reload();
  };
  const num = (n: keyof Intake | ['dedup', string], label: string, p: { min: number; max: number; step: number }) => (
    <Form.Item name={n} label={label} rules={[{ required: true, type: 'number', min: p.min, max: p.max }]}>
      <InputNumber {...p} />
    </Form.Item>
  );
  return (
    <Card size="small" title={t('admIntakeSettings')}>
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="automation" label={t('admAutomation')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Space wrap>
          {num('classifyThreshold', t('admClassifyThreshold'), prob)}
          {num('autoDispatchThreshold', t('admAutoDispatchThreshold'), prob)}
          {num('geocodeThreshold', t('admGeocodeThreshold'), { min: 0.01, max: 1, step: 0.05 })}
          {num('repeatDays', t('admRepeatDays'), { min: 1, max: 365, step: 1 })}
          {num(['dedup', 'autoThreshold'], t('admDedupAuto'), prob)}
          {num(['dedup', 'reviewThreshold'], t('admDedupReview'), prob)}
        </Space>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('save')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

function SupervisionForm() {
  const { t, name } = useI18n();
  const act = useAct();
  const cur = useLoad(async () => await ok(api.GET('/api/v1/settings/supervision')), null as Supervision | null);
  const [form] = Form.useForm<SupervisionForm>();
  useEffect(() => {
    if (cur.data) form.setFieldsValue({ responseWorkingHours: cur.data.responseWorkingHours, cards: cur.data.cards.map(toRow) });
  }, [cur.data, form]);
  const save = async (v: SupervisionForm) => {
    const body = { responseWorkingHours: v.responseWorkingHours, cards: (v.cards ?? []).map(toCard) };
    if (await act(() => ok(api.PUT('/api/v1/settings/supervision', { body })), t('saved'))) await cur.reload();
  };
  return (
    <Card size="small" title={t('admSupervisionSettings')}>
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="responseWorkingHours" label={t('admResponseHours')} rules={[{ required: true, type: 'number', min: 0.5, max: 2000 }]}>
          <InputNumber min={0.5} max={2000} />
        </Form.Item>
        <Form.List name="cards">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ display: 'flex' }}>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'indicator']} label={`${t('indicator')} ${i + 1}`} rules={[{ required: true, message: t('required') }]}>
                    <Select style={{ width: 160 }} options={Object.keys(INDICATOR_NAMES).map((k) => ({ value: k, label: name(INDICATOR_NAMES, k) }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'dir']} label={`${t('admCardWhen')} ${i + 1}`} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 110 }}
                      options={[
                        { value: 'below', label: t('admBelow') },
                        { value: 'above', label: t('admAbove') },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'yellow']} label={`${t('admYellowAt')} ${i + 1}`} rules={[{ required: true, type: 'number', min: 0, max: 1 }]}>
                    <InputNumber {...prob} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'red']} label={`${t('admRedAt')} ${i + 1}`} rules={[{ required: true, type: 'number', min: 0, max: 1 }]}>
                    <InputNumber {...prob} />
                  </Form.Item>
                  <Button onClick={() => remove(f.name)}>{t('admRemove')}</Button>
                </Space>
              ))}
              <Button onClick={() => add({ indicator: 'closed_on_time_rate', dir: 'below', yellow: 0.9, red: 0.8 })}>{t('admAddCard')}</Button>
            </Space>
          )}
        </Form.List>
        <Form.Item style={{ marginTop: 12 }}>
          <Button type="primary" htmlType="submit">
            {t('save')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

export default function Settings() {
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={12}>
        <IntakeForm />
      </Col>
      <Col xs={24} xl={12}>
        <SupervisionForm />
      </Col>
    </Row>
  );
}
