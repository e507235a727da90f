import { Link } from 'react-router';
import { certificatePath, receiptUrl } from '../../api';
import { useI18n } from '../../i18n';

/** A work's registrations in the log: entry number, certificate page and receipt download. */
export function ReceiptLinks({ receipts }: { receipts: { registrationId: string; index: number }[] }) {
  const { t, formatNumber } = useI18n();
  if (receipts.length === 0) return <p className="muted">{t('scan.match.noReceipts')}</p>;
  return (
    <ul className="receipt-links" data-testid="match-receipts">
      {receipts.map((r) => (
        <li key={r.registrationId}>
          <strong>{t('registry.entry', { index: formatNumber(r.index) })}</strong>{' '}
          <Link to={certificatePath(r.registrationId)} aria-label={t('registry.certificateFor', { index: r.index })} data-testid="match-certificate-link">
            {t('registry.certificate')}
          </Link>{' '}
          <a className="no-print" href={receiptUrl(r.registrationId)} download={`wenyuan-receipt-${r.registrationId}.json`} aria-label={t('registry.receiptFor', { index: r.index })}>
            {t('registry.downloadReceipt')}
          </a>
        </li>
      ))}
    </ul>
  );
}
