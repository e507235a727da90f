import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, certificatePath, evidenceFileUrl } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { EvidenceFacts, EvidenceImages, EvidenceMatch } from '../components/protect/EvidenceMatch';
import { EvidenceMethod } from '../components/protect/EvidenceMethod';
import { bundleFileName, HowToVerify, receiptFileName } from '../components/protect/HowToVerify';
import { WarningList, WatermarkNote } from '../components/protect/WatermarkNote';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import type { EvidenceView, RegistrationStatus } from '../types';
import { useApi } from '../use-api';

/** A report not yet in a checkpoint is asked for again this often. */
const POLL_MS = 2000;

/** `/evidence/:id`: a printable evidence report. */
export function EvidencePage() {
  const id = useParams().id ?? '';
  return <Evidence id={id} />;
}

/** Where the report's own registration stands; announced when it changes. */
function RegistrationNote({ registration }: { registration: RegistrationStatus | null }) {
  const { t, formatNumber } = useI18n();
  const status = registration?.status ?? 'none';
  return (
    <div className={`notice${status === 'sequenced' ? ' notice-success' : ''}`} role="status" data-testid="evidence-status" data-status={status}>
      {registration?.status === 'sequenced' ? (
        <p>
          {t('evidence.status.sequenced', { index: formatNumber(registration.receipt.index) })}{' '}
          <Link to={certificatePath(registration.registrationId)} className="no-print" data-testid="evidence-certificate-link">
            {t('evidence.certificate')}
          </Link>
        </p>
      ) : (
        <p>
          {registration && <span className="spinner no-print" aria-hidden="true" />} {t(registration ? 'evidence.status.pending' : 'evidence.status.none')}
        </p>
      )}
    </div>
  );
}

function Report({ view }: { view: EvidenceView }) {
  const { t, formatDateTime } = useI18n();
  const { bundle } = view;
  return (
    <article className="evidence-report" data-testid="evidence-report" aria-labelledby="evidence-title">
      <header className="certificate-head">
        <p className="certificate-brand">
          <span lang="zh-Hans">文渊</span> <span lang="en">Wenyuan</span>
        </p>
        <h1 id="evidence-title">{t('evidence.title')}</h1>
        <p className="certificate-subtitle">{t('evidence.subtitle')}</p>
      </header>
      <dl className="facts evidence-meta">
        <div className="fact">
          <dt>{t('evidence.id')}</dt>
          <dd className="mono break" data-testid="evidence-id">
            {view.id}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('evidence.created')}</dt>
          <dd>
            <time dateTime={bundle.createdAt}>{formatDateTime(bundle.createdAt)}</time> ({bundle.createdAt})
          </dd>
        </div>
        <div className="fact">
          <dt>{t('evidence.createdBy')}</dt>
          <dd>{bundle.createdBy}</dd>
        </div>
        {view.registration && (
          <div className="fact">
            <dt>{t('certificate.registrationId')}</dt>
            <dd className="mono break">{view.registration.registrationId}</dd>
          </div>
        )}
      </dl>
      <RegistrationNote registration={view.registration} />

      {bundle.matches.length === 0 && (
        <section className="evidence-section" aria-labelledby="evidence-suspect-heading">
          <h2 id="evidence-suspect-heading">{t('evidence.col.suspect')}</h2>
          <p className="notice">{t('evidence.noMatches')}</p>
          <EvidenceImages reportId={view.id} bundle={bundle} />
          <EvidenceFacts bundle={bundle} />
        </section>
      )}
      {bundle.matches.map((match, i) => (
        <EvidenceMatch key={match.workId} reportId={view.id} bundle={bundle} match={match} n={i + 1} />
      ))}

      <section className="evidence-section" aria-label={t('scan.watermark')}>
        <WatermarkNote finding={bundle.watermark} headingLevel={2} />
        <WarningList english={bundle.warnings} />
      </section>
      <section className="evidence-section evidence-method" aria-labelledby="evidence-method-heading">
        <h2 id="evidence-method-heading">{t('evidence.method')}</h2>
        <EvidenceMethod method={bundle.method} />
      </section>
      <HowToVerify id={view.id} bundleSha256={view.bundleSha256} />
    </article>
  );
}

function Evidence({ id }: { id: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const report = useApi(() => api.evidence(id), `${id}:${user?.id ?? ''}`);
  const view = report.data;
  const sequenced = view?.registration?.status === 'sequenced';

  usePageTitle(t('evidence.title'));

  // Registered but not yet in a checkpoint: ask again until it is.
  const pending = view?.registration?.status === 'pending';
  const { reload } = report;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [pending, reload, view, report.error]);

  if (report.error && !view) {
    const missing = report.error instanceof ApiError && report.error.status === 404;
    return (
      <div className="page-narrow">
        <h1>{t('evidence.title')}</h1>
        {missing ? <p className="notice">{t('evidence.notFound')}</p> : <ErrorMessage error={report.error} onRetry={report.reload} />}
      </div>
    );
  }
  if (!view) return <Loading />;

  return (
    <div className="evidence-page">
      <div className="certificate-tools no-print">
        <Link to="/evidence">← {t('evidence.list.title')}</Link>
        <div className="button-row">
          <a className="button button-primary" href={evidenceFileUrl(id, 'bundle.json')} download={bundleFileName(view.id)} data-testid="evidence-bundle-download">
            {t('evidence.downloadBundle')}
          </a>
          {sequenced && (
            <a className="button" href={evidenceFileUrl(id, 'receipt.json')} download={receiptFileName(view.id)} data-testid="evidence-receipt-download">
              {t('evidence.downloadReceipt')}
            </a>
          )}
          <button type="button" className="button" onClick={() => window.print()}>
            {t('certificate.print')}
          </button>
        </div>
      </div>
      <Report view={view} />
    </div>
  );
}
