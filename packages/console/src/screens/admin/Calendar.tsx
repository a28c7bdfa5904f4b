/** The working calendar: the district's own holidays and make-up working days over the shipped ones, and working hours. */
import { Badge, Button, Calendar as AntCalendar, Card, Col, Form, Input, InputNumber, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useAct, useLoad } from '../../lib/use-load.ts';

const loadCalendar = async () => ok(api.GET('/api/v1/settings/calendar'));
interface HoursForm {
  periods: Array<{ start: string; end: string }>;
  warnRatio: number;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const toHhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export default function Calendar() {
  const { t, lang } = useI18n();
  const act = useAct();
  // Weekday and month names in the calendar come from dayjs, not from antd's locale.
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  const cal = useLoad(loadCalendar, null as Awaited<ReturnType<typeof loadCalendar>> | null);
  const [day, setDay] = useState('');
  const [form] = Form.useForm<HoursForm>();
  const holidays = useMemo(() => new Set(cal.data?.holidays), [cal.data]);
  const workdays = useMemo(() => new Set(cal.data?.workdays), [cal.data]);
  const own = { holidays: cal.data?.settings.holidays ?? [], workdays: cal.data?.settings.workdays ?? [] };

  useEffect(() => {
    // openapi-fetch reads the [start, end] pairs as number[]; the schema guarantees two.
    if (cal.data) form.setFieldsValue({ periods: cal.data.workingHours.map(([a = 0, b = 0]) => ({ start: toHhmm(a), end: toHhmm(b) })), warnRatio: cal.data.warnRatio });
  }, [cal.data, form]);

  const putDays = async (next: { holidays: string[]; workdays: string[] }) => {
    if (await act(() => ok(api.PUT('/api/v1/settings/calendar', { body: next })), t('saved'))) await cal.reload();
  };
  const mark = (as: 'holiday' | 'workday' | 'default') => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    const h = own.holidays.filter((d) => d !== day);
    const w = own.workdays.filter((d) => d !== day);
    void putDays({ holidays: as === 'holiday' ? [...h, day] : h, workdays: as === 'workday' ? [...w, day] : w });
  };
  const saveHours = async (v: HoursForm) => {
    const workingHours = v.periods.map((p) => [toMin(p.start), toMin(p.end)] as [number, number]);
    if (await act(() => ok(api.PUT('/api/v1/settings/calendar', { body: { workingHours, warnRatio: v.warnRatio } })), t('saved'))) await cal.reload();
  };

  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={14}>
        <Card size="small">
          <AntCalendar
            fullscreen={false}
            value={day ? dayjs(day) : undefined}
            onSelect={(d) => setDay(d.format('YYYY-MM-DD'))}
            cellRender={(d, info) => {
              if (info.type !== 'date') return info.originNode;
              const key = d.format('YYYY-MM-DD');
              if (holidays.has(key)) return <Badge color="red" text={t('admOff')} />;
              if (workdays.has(key)) return <Badge color="blue" text={t('admOn')} />;
              return null;
            }}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('admDayTitle')}>
            <Space wrap>
              <Input type="date" aria-label={t('admDate')} value={day} onChange={(e) => setDay(e.target.value)} style={{ width: 170 }} />
              <Button onClick={() => mark('holiday')} disabled={!day}>
                {t('admMarkHoliday')}
              </Button>
              <Button onClick={() => mark('workday')} disabled={!day}>
                {t('admMarkWorkday')}
              </Button>
              <Button onClick={() => mark('default')} disabled={!day}>
                {t('admMarkDefault')}
              </Button>
            </Space>
          </Card>
          <Card size="small" title={t('admOwnHolidays')}>
            <Space wrap data-testid="own-holidays">
              {own.holidays.length === 0 && <Typography.Text type="secondary">{t('admNone')}</Typography.Text>}
              {own.holidays.map((d) => (
                <Tag key={d} color="red" closable={{ 'aria-label': `${t('admRemove')} ${d}` }} onClose={() => void putDays({ ...own, holidays: own.holidays.filter((x) => x !== d) })}>
                  {d}
                </Tag>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('admOwnWorkdays')}>
            <Space wrap>
              {own.workdays.length === 0 && <Typography.Text type="secondary">{t('admNone')}</Typography.Text>}
              {own.workdays.map((d) => (
                <Tag key={d} color="blue" closable={{ 'aria-label': `${t('admRemove')} ${d}` }} onClose={() => void putDays({ ...own, workdays: own.workdays.filter((x) => x !== d) })}>
                  {d}
                </Tag>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('admWorkingHours')}>
            <Form form={form} onFinish={saveHours} layout="vertical">
              <Form.List name="periods">
                {(fields, { add, remove }) => (
                  <Space orientation="vertical" style={{ display: 'flex' }}>
                    {fields.map((f, i) => (
                      <Space key={f.key} align="baseline" wrap>
                        <Form.Item name={[f.name, 'start']} label={`${t('admPeriodStart')} ${i + 1}`} rules={[{ required: true, pattern: HHMM, message: t('admHhmm') }]}>
                          <Input style={{ width: 90 }} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'end']} label={`${t('admPeriodEnd')} ${i + 1}`} rules={[{ required: true, pattern: HHMM, message: t('admHhmm') }]}>
                          <Input style={{ width: 90 }} />
                        </Form.Item>
                        {fields.length > 1 && <Button onClick={() => remove(f.name)}>{t('admRemove')}</Button>}
                      </Space>
                    ))}
                    {fields.length < 6 && <Button onClick={() => add({ start: '08:30', end: '12:00' })}>{t('admAddPeriod')}</Button>}
                  </Space>
                )}
              </Form.List>
              <Form.Item name="warnRatio" label={t('admWarnRatio')} rules={[{ required: true, type: 'number', min: 0.01, max: 0.99 }]}>
                <InputNumber min={0.01} max={0.99} step={0.05} />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('save')}
                </Button>
              </Form.Item>
            </Form>
          </Card>
        </Space>
      </Col>
    </Row>
  );
}
