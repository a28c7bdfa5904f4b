/**
 * 疑似重复: the open cases intake found near this one when it was reported (GET /cases/{id}/intake,
 * the dedup step), side by side with this case, and a merge into the candidate — offered only when
 * the API lists `merge` among this case's allowed actions.
 */
import { App, Button, Card, Col, Descriptions, Popconfirm, Row, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import type { CaseView, Of } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ACTION_NAMES, STATE_NAMES } from '../../i18n/messages.ts';
import { AuthImage } from '../../lib/AuthImage.tsx';
import { when } from '../../lib/format.ts';

type Decision = NonNullable<Of<'/api/v1/cases/{id}/intake', 'get'>['intake']>['decisions'][number];
type DedupDecision = Extract<Decision, { step: 'dedup' }>;
type Candidate = DedupDecision['candidates'][number];

export function Duplicates({ c, onMerged }: { c: CaseView; onMerged(): void }) {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const [found, setFound] = useState<Array<{ candidate: Candidate; detail: CaseView | null }>>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stopped = false;
    void (async () => {
      try {
        const r = await ok(api.GET('/api/v1/cases/{id}/intake', { params: { path: { id: c.id } } }));
        const candidates = r.intake?.decisions.find((d): d is DedupDecision => d.step === 'dedup')?.candidates ?? [];
        // A candidate outside the caller's scope is listed by number only.
        const details = await Promise.all(candidates.map((x) => ok(api.GET('/api/v1/cases/{id}', { params: { path: { id: x.caseId } } })).catch(() => null)));
        if (!stopped) setFound(candidates.map((candidate, i) => ({ candidate, detail: details[i] ?? null })));
      } catch (e) {
        if (!stopped) message.error((e as Error).message);
      }
    })();
    return () => {
      stopped = true;
    };
  }, [c.id, message]);

  if (!found.length) return null;
  const canMerge = c.allowedActions.includes('merge');

  async function merge(master: Candidate) {
    setBusy(true);
    try {
      await ok(api.POST('/api/v1/cases/{id}/actions/{action}', { params: { path: { id: c.id, action: 'merge' } }, body: { version: c.version, masterCaseId: master.caseId, reason: `${t('mergeReason')} ${master.number}` } }));
      message.success(`${name(ACTION_NAMES, 'merge')} ✓`);
      onMerged();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const facts = (x: CaseView) => (
    <>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('description')}>{x.description}</Descriptions.Item>
        <Descriptions.Item label={t('category')}>{x.category ? `${x.category.name ?? ''} (${x.category.code})` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('location')}>{[x.area.street?.name, x.area.community?.name, x.area.grid?.name, x.address].filter(Boolean).join(' / ') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('createdAt')}>{when(x.createdAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('state')}>{name(STATE_NAMES, x.state)}</Descriptions.Item>
      </Descriptions>
      {x.photos.length > 0 && (
        <Space wrap>
          {x.photos.map((p) => (
            <AuthImage key={p} id={p} alt={t('photos')} />
          ))}
        </Space>
      )}
    </>
  );

  return (
    <Card size="small" title={t('duplicates')} data-testid="duplicates">
      <Space orientation="vertical" style={{ width: '100%' }}>
        {found.map(({ candidate, detail }) => (
          <Row key={candidate.caseId} gutter={[16, 16]} data-testid="duplicate-pair">
            <Col xs={24} md={12}>
              <Card size="small" type="inner" title={`${t('thisCase')} · ${c.number}`}>
                {facts(c)}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card
                size="small"
                type="inner"
                title={
                  <Space wrap>
                    <a href={`#/cases/${candidate.caseId}`}>{`${t('candidateCase')} · ${candidate.number}`}</a>
                    <Tag color="orange">{`${t('similarity')} ${(candidate.score * 100).toFixed(0)}%`}</Tag>
                    <Tag>{`${t('distance')} ${candidate.distanceM} ${t('metres')}`}</Tag>
                  </Space>
                }
                extra={
                  canMerge && (
                    <Popconfirm title={`${t('mergeIntoCandidate')} ${candidate.number}`} okText={t('submit')} cancelText={t('cancel')} onConfirm={() => merge(candidate)}>
                      <Button type="primary" size="small" loading={busy} data-testid={`merge-${candidate.number}`}>
                        {t('mergeIntoCandidate')}
                      </Button>
                    </Popconfirm>
                  )
                }
              >
                {detail ? facts(detail) : <Typography.Text type="secondary">{candidate.number}</Typography.Text>}
              </Card>
            </Col>
          </Row>
        ))}
      </Space>
    </Card>
  );
}
