import { useEffect, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, receiptUrl, verifyPath } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { InstitutionBrand } from '../components/InstitutionBrand';
import { QrCode } from '../components/QrCode';
import { useI18n, type MessageKey } from '../i18n';
import { useAbsoluteUrl, useInstance, usePageTitle } from '../instance';
import { htmlLang, UI_LANGS } from '../lang';
import { normalizeMetadata } from '../metadata-draft';
import { receiptFacts, type ReceiptFacts } from '../registry';
import { useSession } from '../session';
import type { Receipt } from '../types';
import { useApi } from '../use-api';
import { CertificateRow } from '../components/CertificateRow';

const LANG_LABELS = { 'zh-Hans': '中文', en: 'English' } as const;

/** The log has grown since the receipt's checkpoint: its size and root now, and the proof that it only grew. */
interface LaterCheckpoint {
  treeSize: number;
  rootHashHex: string;
  consistencyBundle: string;
}

/** The title of the registered work, when the reader may see the work. */
function WorkTitle({ workId }: { workId: string }) {
  const { t, pickEntry } = useI18n();
  const { user } = useSession();
  const work = useApi(() => api.work(workId).then((w) => ({ ...w, metadata: normalizeMetadata(w.metadata) })), `${workId}:${user?.id ?? ''}`);
  if (work.data) {
    const entry = pickEntry(work.data.metadata.title);
    return (
      <Link to={`/works/${encodeURIComponent(workId)}`} lang={entry ? htmlLang(entry[0]) : undefined} data-testid="certificate-work-title">
        {entry?.[1] ?? workId}
      </Link>
    );
  }
  if (work.error) return <span className="muted">{t('certificate.workHidden')}</span>;
  return <span className="muted">{t('common.loading')}</span>;
}

/** The certificate itself: what the receipt says, laid out to print on one A4 page. */
function Certificate({ receipt, facts, later }: { receipt: Receipt; facts: ReceiptFacts; later: LaterCheckpoint | null }) {
  const { t, lang, formatNumber } = useI18n();
  // The QR code and the printed link lead to the instance's public address, wherever this page was opened.
  const absolute = useAbsoluteUrl();
  const verifyUrl = absolute(verifyPath(receipt.registrationId));
  const accepted = new Date(facts.entry.acceptedAt * 1000);
  const roleKey = `registry.role.${facts.entry.role}` as MessageKey;
  return (
    <article className="certificate" data-testid="certificate" aria-labelledby="certificate-title">
      <header className="certificate-head">
        <p className="certificate-brand" data-testid="certificate-institution">
          <InstitutionBrand logoClassName="certificate-logo" />
        </p>
        <h1 id="certificate-title">{t('certificate.title')}</h1>
        <p className="certificate-subtitle">{t('certificate.subtitle')}</p>
      </header>
      <div className="certificate-body">
        <dl className="certificate-facts">
          <CertificateRow label={t('certificate.work')}>{receipt.work.id ? <WorkTitle workId={receipt.work.id} /> : <span className="muted">{t('certificate.workHidden')}</span>}</CertificateRow>
          <CertificateRow label={t('certificate.content')} mono testId="certificate-content">
            {facts.entry.contentSha256 ?? receipt.opening?.contentSha256 ?? <span className="muted">{t('certificate.sealed')}</span>}
          </CertificateRow>
          <CertificateRow label={t('certificate.registrant')} mono>
            {facts.entry.registrant}
          </CertificateRow>
          <CertificateRow label={t('certificate.role')}>{t(roleKey)}</CertificateRow>
          <CertificateRow label={t('certificate.accepted')}>
            <time dateTime={accepted.toISOString()}>{t('certificate.acceptedAt', { local: new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'long' }).format(accepted), utc: accepted.toISOString().replace('.000Z', 'Z') })}</time>
          </CertificateRow>
          {(facts.entry.termsSha256 ?? receipt.opening?.termsSha256) && (
            <CertificateRow label={t('certificate.terms')} mono>
              {facts.entry.termsSha256 ?? receipt.opening?.termsSha256}
            </CertificateRow>
          )}
          <CertificateRow label={t('certificate.index')} testId="certificate-index">
            {formatNumber(receipt.index)}
          </CertificateRow>
          <CertificateRow label={t('certificate.treeSize')}>{formatNumber(facts.checkpoint.size)}</CertificateRow>
          <CertificateRow label={t('certificate.origin')} mono>
            {facts.checkpoint.origin}
          </CertificateRow>
          <CertificateRow label={t('certificate.root')} mono>
            {facts.rootHashHex}
          </CertificateRow>
          <CertificateRow label={t('certificate.registrationId')} mono>
            {receipt.registrationId}
          </CertificateRow>
          {later && (
            <CertificateRow label={t('certificate.later')} testId="certificate-later">
              {t('certificate.laterText', { size: formatNumber(later.treeSize) })}{' '}
              <span className="mono break">{later.rootHashHex}</span>{' '}
              <a className="no-print" href={later.consistencyBundle} download={`wenyuan-consistency-${facts.checkpoint.size}-${later.treeSize}.json`}>
                {t('certificate.laterBundle')}
              </a>
            </CertificateRow>
          )}
        </dl>
        <figure className="certificate-qr">
          <QrCode text={verifyUrl} label={t('certificate.qr')} />
          <figcaption>
            {t('certificate.qrCaption')}
            <br />
            <span className="mono break">{verifyUrl}</span>
          </figcaption>
        </figure>
      </div>
      <p className="certificate-note">{t('certificate.explain')}</p>
    </article>
  );
}

/** `/registry/certificates/:id`: a printable certificate of one registration, with its receipt. */
export function CertificatePage() {
  const id = useParams().id ?? '';
  const { instance } = useInstance();
  const { t, lang, setLang } = useI18n();
  const { user } = useSession();
  const status = useApi(() => api.registration(id), `${id}:${user?.id ?? ''}`);
  const receipt = status.data?.status === 'sequenced' ? status.data.receipt : null;
  const facts = useMemo((): { ok: ReceiptFacts } | { error: unknown } | null => {
    if (!receipt) return null;
    try {
      return { ok: receiptFacts(receipt) };
    } catch (error) {
      return { error };
    }
  }, [receipt]);

  usePageTitle(t('certificate.title'));

  // Not in a checkpoint yet: ask again every few seconds.
  const pending = status.data?.status === 'pending';
  const { reload } = status;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(reload, 3000);
    return () => window.clearTimeout(timer);
  }, [pending, reload, status.data]);

  if (status.error && !status.data) {
    const missing = status.error instanceof ApiError && status.error.status === 404;
    return (
      <div className="page-narrow">
        <h1>{t('certificate.title')}</h1>
        {missing ? <p className="notice">{t('certificate.notFound')}</p> : <ErrorMessage error={status.error} onRetry={status.reload} />}
      </div>
    );
  }
  // The QR code and link are printed and scanned: wait for the public URL rather than show this address first.
  if (!status.data || instance === undefined) return <Loading />;
  if (!receipt) {
    return (
      <div className="page-narrow">
        <h1>{t('certificate.title')}</h1>
        <p className="notice" role="status">
          {t('certificate.pending')}
        </p>
      </div>
    );
  }
  if (!facts || 'error' in facts) {
    return (
      <div className="page-narrow">
        <h1>{t('certificate.title')}</h1>
        <ErrorMessage error={facts?.error} />
      </div>
    );
  }

  return (
    <div className="certificate-page">
      <div className="certificate-tools no-print">
        <div className="certificate-lang" role="group" aria-label={t('certificate.language')}>
          {UI_LANGS.map((l) => (
            <button key={l} type="button" className="button button-small" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)} data-testid={`certificate-lang-${l}`}>
              {LANG_LABELS[l]}
            </button>
          ))}
        </div>
        <div className="button-row">
          <a className="button button-primary" href={receiptUrl(id)} download={`wenyuan-receipt-${id}.json`} data-testid="receipt-download">
            {t('registry.downloadReceipt')}
          </a>
          <button type="button" className="button" onClick={() => window.print()}>
            {t('certificate.print')}
          </button>
          <Link className="button" to={verifyPath(id)}>
            {t('certificate.verify')}
          </Link>
        </div>
      </div>
      <Certificate receipt={receipt} facts={facts.ok} later={status.data.status === 'sequenced' ? (status.data.later ?? null) : null} />
    </div>
  );
}
