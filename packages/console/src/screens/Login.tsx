import { Alert, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function Login() {
  const { signIn } = useSession();
  const { t, lang, setLang } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f3f7', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            OneGrid {t('appName')}
          </Typography.Title>
          <Select
            aria-label={t('language')}
            value={lang}
            onChange={setLang}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en-US', label: 'English' },
            ]}
          />
          {error && <Alert type="error" title={error} showIcon />}
          <Form
            layout="vertical"
            onFinish={async (v: { username: string; password: string }) => {
              setBusy(true);
              setError(null);
              try {
                await signIn(v.username, v.password);
              } catch (e) {
                setError((e as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('required') }]}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('required') }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('signIn')}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}
