import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { recommendApi } from '../../recommend-api';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/**
 * On the account page: whether the recommender may learn from what the reader does, with what it
 * records and that turning it off erases it at once.
 */
export function ConsentSection() {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const id = useId();
  const consent = useApi(() => recommendApi.consent(), 'recommend-consent');
  // The switch shows the reader's choice at once; it goes back if the server refuses it.
  const [pending, setPending] = useState<boolean | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const change = async (consented: boolean) => {
    setPending(consented);
    setStatus(null);
    setError(null);
    try {
      const next = await recommendApi.setConsent(consented);
      consent.setData(next);
      setStatus(consented ? t('recommend.consent.saved') : t('recommend.consent.erased'));
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setPending(null);
    }
  };

  const data = consent.data;
  return (
    <section className="panel rec-consent" id="recommendations" aria-labelledby={`${id}-heading`} data-testid="rec-consent">
      <h2 id={`${id}-heading`}>{t('recommend.consent.heading')}</h2>
      {consent.error && !data ? (
        <ErrorMessage error={consent.error} onRetry={consent.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p className="rec-check">
            <input
              id={`${id}-toggle`}
              type="checkbox"
              role="switch"
              checked={pending ?? data.consented}
              aria-disabled={pending !== null}
              onChange={(e) => pending === null && void change(e.target.checked)}
              aria-describedby={`${id}-what ${id}-withdraw`}
              data-testid="rec-consent-toggle"
            />{' '}
            <label htmlFor={`${id}-toggle`}>{t('recommend.consent.toggle')}</label>
          </p>
          <p id={`${id}-what`}>{t('recommend.consent.what')}</p>
          <p id={`${id}-withdraw`}>{t('recommend.consent.withdraw')}</p>
          <p className="hint" data-testid="rec-consent-state">
            {data.consented && data.since ? t('recommend.consent.since', { date: formatDateTime(data.since) }) : data.consented ? null : t('recommend.consent.off')}
          </p>
        </>
      )}
      <p role="status" className={status ? 'notice notice-success' : 'visually-hidden'}>
        {status}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
