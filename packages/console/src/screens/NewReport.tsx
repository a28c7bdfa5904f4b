/**
 * 上报问题, built for a grid worker's phone (390×844): describe it (category suggestions appear as
 * you type), place it by GPS or on the map, add photos, send. A draft keeps one Idempotency-Key,
 * so a send that fails on a bad connection is retried until it lands and never creates a second
 * case.
 */
import { Alert, App, Button, Card, Form, Input, Select, Space, Spin, Tag, Typography, Upload } from 'antd';
import { wgs84ToGcj02 } from '@onegrid/domain/geo/coords';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError, api, apiHeaders, ok } from '../api/client.ts';
import type { Of } from '../api/types.ts';
import { go } from '../app/router.ts';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CHANNEL_NAMES } from '../i18n/messages.ts';

const MapView = lazy(() => import('../lib/MapView.tsx'));

type Suggestion = Of<'/api/v1/intake/classify', 'post'>['suggestions'][number];
type Place = { lng: number; lat: number; crs: 'gcj02' | 'wgs84' };

const newKey = () => crypto.randomUUID();

export function NewReport() {
  const { t, name } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [categories, setCategories] = useState<Array<{ value: string; label: string }>>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [photos, setPhotos] = useState<Array<{ id: string; name: string }>>([]);
  const [sending, setSending] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const key = useRef(newKey());
  const timer = useRef<number | null>(null);

  useEffect(() => {
    void ok(api.GET('/api/v1/categories', { params: { query: {} } })).then((r) =>
      setCategories(r.items.map((c) => ({ value: `${c.kind}:${c.code}`, label: `${c.code} ${c.name}` }))),
    );
    return () => {
      if (timer.current) window.clearTimeout(timer.current);
    };
  }, []);

  const classify = (text: string) => {
    if (timer.current) window.clearTimeout(timer.current);
    if (text.trim().length < 4) return setSuggestions([]);
    timer.current = window.setTimeout(async () => {
      try {
        const r = await ok(api.POST('/api/v1/intake/classify', { body: { text } }));
        setSuggestions(r.suggestions);
      } catch {
        setSuggestions([]);
      }
    }, 300);
  };

  async function send(v: { description: string; channel: string; category?: string; address?: string }) {
    if (!place && !v.address?.trim()) {
      message.error(t('placeOrAddress'));
      return;
    }
    setSending(true);
    const [kind, code] = v.category?.split(':') ?? [];
    const body = {
      channel: v.channel,
      description: v.description,
      ...(place ? { location: place } : {}),
      ...(v.address ? { address: v.address } : {}),
      ...(kind && code ? { category: { kind, code } } : {}),
      ...(photos.length ? { photos: photos.map((p) => p.id) } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await ok(api.POST('/api/v1/cases', { body: body as never, params: { header: { 'idempotency-key': key.current } } }));
        message.success(`${t('reported')}: ${r.number}`);
        key.current = newKey();
        setWaiting(false);
        setSending(false);
        form.resetFields();
        setPlace(null);
        setPhotos([]);
        go(`cases/${r.id}`);
        return;
      } catch (e) {
        // The API refused it: show why and keep the draft. The network failed: try again, same key.
        if (e instanceof ApiError) {
          message.error(e.message);
          setSending(false);
          return;
        }
        setWaiting(true);
        await new Promise((r) => setTimeout(r, Math.min(30_000, 2000 * 2 ** Math.min(attempt, 4))));
      }
    }
  }

  // The map is GCJ-02 like every Chinese map; a GPS fix is WGS-84 and is shown shifted onto it.
  const shown = place ? (place.crs === 'wgs84' ? (([lng, lat]) => ({ lng, lat }))(wgs84ToGcj02(place.lng, place.lat)) : place) : null;
  const channels = has('grid_worker') ? ['patrol'] : ['hotline', 'citizen', 'patrol', 'video', 'assigned', 'other'];
  return (
    <Card style={{ maxWidth: 640, margin: '0 auto' }} title={t('newReport')}>
      {waiting && <Alert type="warning" showIcon title={t('retrying')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ channel: channels[0] }} onFinish={(v) => void send(v)}>
        <Form.Item name="description" label={t('description')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
          <Input.TextArea rows={4} maxLength={4000} onChange={(e) => classify(e.target.value)} />
        </Form.Item>
        {suggestions.length > 0 && (
          <Space wrap style={{ marginBottom: 12 }} aria-label={t('suggestions')}>
            <Typography.Text type="secondary">{t('suggestions')}:</Typography.Text>
            {suggestions.map((s) => (
              <Tag.CheckableTag key={`${s.kind}:${s.code}`} checked={form.getFieldValue('category') === `${s.kind}:${s.code}`} onChange={() => form.setFieldValue('category', `${s.kind}:${s.code}`)}>
                {s.name} {Math.round(s.p * 100)}%
              </Tag.CheckableTag>
            ))}
          </Space>
        )}
        <Form.Item name="category" label={t('category')}>
          <Select showSearch allowClear optionFilterProp="label" options={categories} />
        </Form.Item>
        <Form.Item name="channel" label={t('channel')}>
          <Select options={channels.map((c) => ({ value: c, label: name(CHANNEL_NAMES, c) }))} />
        </Form.Item>
        <Form.Item label={t('location')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Button
                onClick={() =>
                  navigator.geolocation.getCurrentPosition(
                    (p) => setPlace({ lng: p.coords.longitude, lat: p.coords.latitude, crs: 'wgs84' }),
                    (e) => message.error(e.message),
                    { enableHighAccuracy: true, timeout: 10_000 },
                  )
                }
              >
                {t('useGps')}
              </Button>
              <Typography.Text type="secondary" data-testid="picked">
                {place ? `${place.lng.toFixed(5)}, ${place.lat.toFixed(5)} (${place.crs})` : t('pickOnMap')}
              </Typography.Text>
            </Space>
            <Suspense fallback={<Spin />}>
              <MapView height={240} communities={false} picked={shown} onPick={(p) => setPlace({ ...p, crs: 'gcj02' })} />
            </Suspense>
          </Space>
        </Form.Item>
        <Form.Item name="address" label={t('address')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item label={t('photos')}>
          <Upload
            accept="image/jpeg,image/png,image/webp"
            listType="picture"
            customRequest={async ({ file, onSuccess, onError }) => {
              const fd = new FormData();
              fd.append('file', file as Blob);
              const r = await fetch('/api/v1/files', { method: 'POST', body: fd, headers: apiHeaders() });
              const j = (await r.json()) as Partial<Of<'/api/v1/files', 'post'>> & { error?: { message: string } };
              if (r.ok && j.id) {
                const id = j.id;
                setPhotos((x) => [...x, { id, name: (file as File).name }]);
                onSuccess?.(j);
              } else {
                message.error(j.error?.message ?? r.statusText);
                onError?.(new Error(j.error?.message ?? r.statusText));
              }
            }}
            onRemove={(f) => setPhotos((x) => x.filter((p) => p.name !== f.name))}
          >
            <Button>{t('photos')}</Button>
          </Upload>
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={sending}>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}
