import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '../../i18n';
import { exportDownloadUrl, privacyApi, PURPOSES, type ConsentPurpose, type Consents, type PersonalExport } from '../../privacy-api';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/** On the account page: consent per purpose, "export my data" and "erase my account". */
export function PrivacySection() {
  const { t } = useI18n();
  const id = useId();
  return (
    <section className="panel privacy-section" id="privacy" aria-labelledby={`${id}-heading`} data-testid="privacy-section">
      <h2 id={`${id}-heading`}>{t('privacy.section.heading')}</h2>
      <ConsentForm />
      <ExportPanel />
      <ErasePanel />
    </section>
  );
}

function ConsentForm() {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const id = useId();
  const consents = useApi(() => privacyApi.consents(), 'privacy-consents');
  const [choices, setChoices] = useState<Partial<Record<ConsentPurpose, boolean>>>({});
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const data = consents.data;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!data) return;
    setBusy(true);
    setMessage(null);
    try {
      const all = Object.fromEntries(data.consents.map((c) => [c.purpose, choices[c.purpose] ?? c.granted])) as Record<ConsentPurpose, boolean>;
      const next: Consents = await privacyApi.decide(data.noticeVersion, all);
      consents.setData(next);
      setChoices({});
      setMessage({ error: false, text: t('privacy.consent.saved') });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, i18n) });
      consents.reload();
    } finally {
      setBusy(false);
    }
  };

  if (consents.error && !data) return <ErrorMessage error={consents.error} onRetry={consents.reload} />;
  if (!data) return <Loading />;
  return (
    <form className="form-stack" onSubmit={submit} data-testid="privacy-consents">
      <p>
        {t('privacy.section.intro', { version: data.noticeVersion })} <Link to="/privacy">{t('privacy.section.readNotice')}</Link>
      </p>
      {data.needsReview && (
        <p className="notice notice-warning" data-testid="privacy-review">
          {t('privacy.section.review')}
        </p>
      )}
      {PURPOSES.map((purpose) => {
        const state = data.consents.find((c) => c.purpose === purpose);
        if (!state) return null;
        const when = !state.at
          ? t('privacy.consent.never')
          : state.noticeVersion === null
            ? t('privacy.consent.decidedElsewhere', { date: formatDateTime(state.at) })
            : t('privacy.consent.decided', { date: formatDateTime(state.at), version: state.noticeVersion });
        return (
          <div className="field" key={purpose}>
            <p className="rec-check">
              <input
                id={`${id}-${purpose}`}
                type="checkbox"
                role="switch"
                checked={choices[purpose] ?? state.granted}
                onChange={(e) => setChoices({ ...choices, [purpose]: e.target.checked })}
                aria-describedby={`${id}-${purpose}-help`}
                data-testid={`privacy-consent-${purpose}`}
              />{' '}
              <label htmlFor={`${id}-${purpose}`}>{t(`privacy.purpose.${purpose}`)}</label>
            </p>
            <p id={`${id}-${purpose}-help`} className="muted">
              {t(`privacy.purpose.${purpose}.help`)} {when}
              {state.at && !state.current ? ` (${t('privacy.consent.outdated')})` : ''}
            </p>
          </div>
        );
      })}
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      <button type="submit" className="button button-primary" disabled={busy} data-testid="privacy-consents-save">
        {t('privacy.consent.save')}
      </button>
    </form>
  );
}

function exportState(item: PersonalExport, t: ReturnType<typeof useI18n>['t'], formatDateTime: ReturnType<typeof useI18n>['formatDateTime']): string {
  switch (item.status) {
    case 'ready':
      return t('privacy.export.status.ready', { date: formatDateTime(item.expiresAt) });
    case 'downloaded':
      return t('privacy.export.status.downloaded', { date: formatDateTime(item.downloadedAt) });
    default:
      return t(`privacy.export.status.${item.status}`);
  }
}

function ExportPanel() {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const id = useId();
  const exports = useApi(() => privacyApi.exports(), 'privacy-exports');
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setError(null);
    try {
      await privacyApi.startExport();
    } catch (e) {
      setError(errorText(e, i18n));
    }
    exports.reload();
  };

  const items = exports.data?.items ?? [];
  const busy = items.some((i) => i.status === 'queued' || i.status === 'running');
  return (
    <div aria-labelledby={`${id}-heading`} data-testid="privacy-export">
      <h3 id={`${id}-heading`}>{t('privacy.export.heading')}</h3>
      <p className="muted">{t('privacy.export.intro')}</p>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {exports.error && !exports.data ? <ErrorMessage error={exports.error} onRetry={exports.reload} /> : null}
      <ul className="plain-list" aria-live="polite">
        {items.slice(0, 3).map((item) => (
          <li key={item.id} data-testid="privacy-export-item" data-status={item.status}>
            {t('privacy.export.requested', { date: formatDateTime(item.createdAt) })} — {exportState(item, t, formatDateTime)}{' '}
            {item.status === 'ready' && (
              // A plain link: the browser downloads with the session cookie; the list then says it was used.
              <a className="button button-small" href={exportDownloadUrl(item.id)} download onClick={() => window.setTimeout(exports.reload, 1500)} data-testid="privacy-export-download">
                {t('privacy.export.download')}
              </a>
            )}
          </li>
        ))}
      </ul>
      <p className="button-row">
        <button type="button" className="button" onClick={() => void start()} disabled={busy} data-testid="privacy-export-start">
          {t('privacy.export.start')}
        </button>{' '}
        <button type="button" className="button button-small" onClick={exports.reload} data-testid="privacy-export-refresh">
          {t('privacy.export.refresh')}
        </button>
      </p>
    </div>
  );
}

function ErasePanel() {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const state = useApi(() => privacyApi.erasure(), 'privacy-erasure');
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await privacyApi.erase(password);
      // The server ended every session; the reader is a visitor from now on.
      setUser(null);
      void navigate('/privacy?erased=1');
    } catch (e) {
      setError(errorText(e, i18n));
      setBusy(false);
    }
  };

  const data = state.data;
  return (
    <form className="form-stack" onSubmit={submit} aria-labelledby={`${id}-heading`} data-testid="privacy-erase">
      <h3 id={`${id}-heading`}>{t('privacy.erase.heading')}</h3>
      <p>{t('privacy.erase.intro')}</p>
      {data && <p>{data.worksPolicy === 'delete' ? t('privacy.erase.works.delete') : t('privacy.erase.works.transfer')}</p>}
      {data?.erasure ? (
        <p className="notice notice-warning">{t('privacy.erase.running')}</p>
      ) : (
        <>
          <p className="rec-check">
            <input id={`${id}-understand`} type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="privacy-erase-understand" />{' '}
            <label htmlFor={`${id}-understand`}>{t('privacy.erase.understand')}</label>
          </p>
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('privacy.erase.password')}</label>
            <input id={`${id}-password`} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="privacy-erase-password" />
          </div>
          {error && (
            <p className="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-danger" disabled={busy || !understood || password === ''} data-testid="privacy-erase-submit">
            {t('privacy.erase.confirm')}
          </button>
        </>
      )}
    </form>
  );
}
