/**
 * 驾驶舱: the overview wall and the district boards (专题看板) as tabs. The boards come from the
 * API (`/api/v1/cockpit/boards`), so a district adds or changes them without a new console; an
 * admin edits their definition here. `#/cockpit/<board>` opens one board directly.
 */
import { App as AntApp, Badge, Button, Col, Input, Modal, Row, Spin, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ok } from '../api/client.ts';
import { go, useRoute } from '../app/router.ts';
import { useSession } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Of } from '../api/types.ts';
import { Board } from './cockpit/Board.tsx';
import { Overview } from './cockpit/Overview.tsx';

type Boards = Of<'/api/v1/cockpit/boards', 'get'>;

export default function Cockpit() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = AntApp.useApp();
  const [, tab = 'overview'] = useRoute();
  const [live, setLive] = useState(false);
  const [street, setStreet] = useState<string | null>(null);
  const [boards, setBoards] = useState<Boards | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const loadBoards = useCallback(async () => {
    try {
      setBoards(await ok(api.GET('/api/v1/cockpit/boards')));
    } catch (e) {
      message.error((e as Error).message);
    }
  }, [message]);
  useEffect(() => {
    void loadBoards();
  }, [loadBoards]);

  const save = async (text: string | null) => {
    let parsed: unknown = null;
    if (text !== null) {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        message.error(`${t('invalidJson')}: ${(e as Error).message}`);
        return;
      }
    }
    setSaving(true);
    try {
      // The server checks the definition and says where it is wrong; the console sends it as typed.
      setBoards(await ok(api.PUT('/api/v1/cockpit/boards', { body: { boards: parsed as Boards['boards'] | null } })));
      message.success(t('saved'));
      setEditing(null);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const title = (b: Boards['boards'][number]) => (lang === 'zh-CN' ? b.title.zh : b.title.en);
  return (
    <div data-testid="cockpit">
      <Row gutter={[12, 12]} align="middle" style={{ marginBottom: 4 }}>
        <Col flex="auto">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cockpit')} · {street ?? t('wholeDistrict')}
          </Typography.Title>
        </Col>
        {has('admin') && boards && (
          <Col>
            <Button onClick={() => setEditing(JSON.stringify(boards.boards, null, 2))}>{t('editBoards')}</Button>
          </Col>
        )}
        <Col>
          <Badge status={live ? 'success' : 'default'} text={live ? t('live') : t('offline')} />
        </Col>
      </Row>
      <Tabs
        activeKey={tab}
        onChange={(k) => go(k === 'overview' ? 'cockpit' : `cockpit/${k}`)}
        items={[
          { key: 'overview', label: t('overview'), children: <Overview onLive={setLive} onScope={setStreet} /> },
          ...(boards?.boards ?? []).map((b) => ({ key: b.code, label: title(b), children: <Board board={b} /> })),
        ]}
      />
      {tab !== 'overview' && !boards && <Spin />}
      <Modal
        open={editing !== null}
        title={t('editBoards')}
        width={820}
        destroyOnHidden
        onCancel={() => setEditing(null)}
        footer={[
          <Button key="reset" danger disabled={!boards?.custom} loading={saving} onClick={() => void save(null)}>
            {t('resetBoards')}
          </Button>,
          <Button key="cancel" onClick={() => setEditing(null)}>
            {t('cancel')}
          </Button>,
          <Button key="save" type="primary" loading={saving} onClick={() => void save(editing)}>
            {t('save')}
          </Button>,
        ]}
      >
        <Typography.Paragraph type="secondary">{t('boardsHelp')}</Typography.Paragraph>
        <Input.TextArea aria-label={t('boardsJson')} value={editing ?? ''} onChange={(e) => setEditing(e.target.value)} autoSize={{ minRows: 16, maxRows: 28 }} style={{ fontFamily: 'monospace', fontSize: 12 }} spellCheck={false} />
      </Modal>
    </div>
  );
}
