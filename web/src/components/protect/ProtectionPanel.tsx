import { useId, useState, type FormEvent } from 'react';
import { api, fetchLicensedCopy, fetchWatermarkedCopy, type MarkedCopy } from '../../api';
import { saveBlob } from '../../download';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import type { IssuedCopy, WorkDetail, WorkFingerprint } from '../../types';
import { useApi } from '../../use-api';
import { errorText } from '../ErrorMessage';

const STATUS_KEYS: Record<WorkFingerprint['status'], MessageKey> = {
  ok: 'protect.status.ok',
  low_quality: 'protect.status.low_quality',
  unsupported: 'protect.status.unsupported',
  pending: 'protect.status.pending',
  none: 'protect.status.none',
};

type Download = { state: 'idle' } | { state: 'busy' } | { state: 'done'; name: string; serial: string } | { state: 'error'; message: string };

/** Asks the server for a marked copy and saves it, tracking the request's state for the form. */
function useMarkedCopyDownload(): { download: Download; run: (fetch: () => Promise<MarkedCopy>) => Promise<boolean> } {
  const { t } = useI18n();
  const [download, setDownload] = useState<Download>({ state: 'idle' });
  const run = async (fetch: () => Promise<MarkedCopy>) => {
    if (download.state === 'busy') return false;
    setDownload({ state: 'busy' });
    try {
      const copy = await fetch();
      saveBlob(copy.blob, copy.fileName);
      setDownload({ state: 'done', name: copy.fileName, serial: copy.serial ?? '' });
      return true;
    } catch (error) {
      setDownload({ state: 'error', message: errorText(error, t) });
      return false;
    }
  };
  return { download, run };
}

/** What became of the request, announced politely to screen readers. */
function CopyOutcome({ download, done, testId }: { download: Download; done: (d: { name: string; serial: string }) => string; testId: string }) {
  const { t } = useI18n();
  return (
    <div aria-live="polite">
      {download.state === 'done' && (
        <p className="notice notice-success" data-testid={testId}>
          {done(download)}
        </p>
      )}
      {download.state === 'error' && <p className="notice notice-error">{t('protect.copy.failed', { message: download.message })}</p>}
    </div>
  );
}

/** The signed-in reader asks for a copy of the work's image carrying an invisible mark naming them. */
export function WatermarkedCopyForm({ workId }: { workId: string }) {
  const { t } = useI18n();
  const [reference, setReference] = useState('');
  const { download, run } = useMarkedCopyDownload();
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(() => fetchWatermarkedCopy(workId, reference.trim()));
  };
  return (
    <form className="watermark-form" onSubmit={submit}>
      <h3>{t('protect.copy.heading')}</h3>
      <p className="hint">{t('protect.copy.explain')}</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-ref`}>{t('protect.copy.reference')}</label>
          <input id={`${id}-ref`} type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} aria-describedby={`${id}-ref-hint`} data-testid="watermark-reference" />
          <p id={`${id}-ref-hint`} className="hint">
            {t('protect.copy.referenceHint')}
          </p>
        </div>
        <button type="submit" className="button button-primary" aria-disabled={download.state === 'busy'} data-testid="watermark-download">
          {download.state === 'busy' ? t('protect.copy.working') : t('protect.copy.download')}
        </button>
      </div>
      <CopyOutcome download={download} testId="watermark-done" done={(d) => t('protect.copy.done', d)} />
    </form>
  );
}

/** Someone who manages the work makes a marked copy for a named licensee (studio, film crew…). */
function LicensedCopyForm({ workId, onIssued }: { workId: string; onIssued: () => void }) {
  const { t } = useI18n();
  const [licensee, setLicensee] = useState('');
  const [reference, setReference] = useState('');
  const [madeFor, setMadeFor] = useState('');
  const { download, run } = useMarkedCopyDownload();
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = licensee.trim();
    if (!name) return;
    setMadeFor(name);
    if (await run(() => fetchLicensedCopy(workId, name, reference.trim()))) onIssued();
  };
  return (
    <form className="watermark-form" onSubmit={submit} data-testid="licensed-copy-form">
      <h3>{t('protect.licence.heading')}</h3>
      <p className="hint">{t('protect.licence.explain')}</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-licensee`}>{t('protect.licence.licensee')}</label>
          <input id={`${id}-licensee`} type="text" required maxLength={200} value={licensee} onChange={(e) => setLicensee(e.target.value)} data-testid="licensee-name" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-ref`}>{t('protect.licence.reference')}</label>
          <input id={`${id}-ref`} type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} data-testid="licence-reference" />
        </div>
        <button type="submit" className="button" aria-disabled={download.state === 'busy'} data-testid="licensed-copy-download">
          {download.state === 'busy' ? t('protect.copy.working') : t('protect.licence.download')}
        </button>
      </div>
      <CopyOutcome download={download} testId="licensed-copy-done" done={(d) => t('protect.licence.done', { ...d, licensee: madeFor })} />
    </form>
  );
}

const PURPOSE_KEYS: Record<IssuedCopy['purpose'], MessageKey> = { download: 'purpose.download', licence: 'purpose.licence', public: 'purpose.public' };

/** Every marked copy of the work, for those who manage it: who received which serial, and why. */
function IssuedCopies({ workId, refresh }: { workId: string; refresh: number }) {
  const { t, formatDateTime } = useI18n();
  const copies = useApi(() => api.copies(workId), `${workId}:${refresh}`);
  if (copies.error) return <p className="notice notice-error">{t('common.error', { message: errorText(copies.error, t) })}</p>;
  const items = copies.data?.copies ?? [];
  return (
    <details className="issued-copies" data-testid="issued-copies">
      <summary>{t('protect.copies.show')}</summary>
      {copies.data && items.length === 0 && <p className="hint">{t('protect.copies.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('protect.copies.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('protect.copies.serial')}</th>
                <th scope="col">{t('protect.copies.purpose')}</th>
                <th scope="col">{t('protect.copies.recipient')}</th>
                <th scope="col">{t('protect.copies.reference')}</th>
                <th scope="col">{t('protect.copies.date')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.serial} data-testid="issued-copy">
                  <th scope="row" className="mono">{c.serial}</th>
                  <td>{t(PURPOSE_KEYS[c.purpose])}</td>
                  <td>{c.recipient ?? '—'}</td>
                  <td>{c.reference ?? '—'}</td>
                  <td>
                    <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

/** The work's protection: the fingerprint of its image and, for signed-in readers, watermarked copies. */
export function ProtectionPanel({ work }: { work: WorkDetail }) {
  const { t, formatNumber } = useI18n();
  const { user } = useSession();
  const fingerprint = useApi(() => api.fingerprint(work.id), `${work.id}:${work.version}:${user?.id ?? ''}`);
  const id = useId();
  const [issued, setIssued] = useState(0);
  const fp = fingerprint.data;
  const hasImage = work.files.some((f) => f.kind === 'image');
  if (!hasImage && (!fp || fp.status === 'none')) return null;

  return (
    <section className="panel protection-panel" aria-labelledby={`${id}-heading`} data-testid="protection-panel">
      <h2 id={`${id}-heading`}>{t('protect.heading')}</h2>
      {fingerprint.error ? <p className="notice notice-error">{t('common.error', { message: errorText(fingerprint.error, t) })}</p> : null}
      {fp && (
        <>
          <p data-testid="fingerprint-status" data-status={fp.status}>
            {t(STATUS_KEYS[fp.status], { reason: fp.reason ?? '' })}
          </p>
          {(fp.pdq || fp.iscc) && (
            <dl className="facts">
              {fp.pdq && (
                <div className="fact">
                  <dt>{t('protect.pdq')}</dt>
                  <dd className="mono break" data-testid="fingerprint-pdq">
                    {fp.pdq}
                  </dd>
                </div>
              )}
              {fp.quality !== null && (
                <div className="fact">
                  <dt>{t('protect.quality')}</dt>
                  <dd>{t('protect.quality.value', { quality: formatNumber(fp.quality) })}</dd>
                </div>
              )}
              {fp.iscc && (
                <div className="fact">
                  <dt>{t('protect.iscc')}</dt>
                  <dd className="mono break" data-testid="fingerprint-iscc">
                    {fp.iscc.iscc}
                  </dd>
                </div>
              )}
            </dl>
          )}
        </>
      )}
      {/* A work offered for no download gives readers no marked copy either (the server refuses it). */}
      {user && hasImage && (work.canEdit || work.download.policy !== 'none') && <WatermarkedCopyForm workId={work.id} />}
      {user && hasImage && work.canEdit && <LicensedCopyForm workId={work.id} onIssued={() => setIssued((n) => n + 1)} />}
      {user && work.canEdit && <IssuedCopies workId={work.id} refresh={issued} />}
    </section>
  );
}
