/** A secret shown once (API key, webhook signing secret), with a copy button. */
import { Alert, Modal, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';

export function SecretOnce({ title, secret, onClose }: { title: string; secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal title={title} open={secret !== null} onOk={onClose} onCancel={onClose} okText={t('admDone')} cancelButtonProps={{ style: { display: 'none' } }}>
      <Alert type="warning" showIcon title={t('admShownOnce')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: secret ?? '', tooltips: [t('admCopy'), t('admCopied')] }} code data-testid="secret">
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
