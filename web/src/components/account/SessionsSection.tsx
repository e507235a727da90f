import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { securityApi } from '../../security-api';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/** One's own browser sessions: where, since when, last active; sign any other one out. */
export function SessionsSection() {
  const { t, formatDateTime } = useI18n();
  const sessions = useApi(() => securityApi.sessions(), 'sessions');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const revoke = async (sessionId: string) => {
    setError(null);
    try {
      await securityApi.revokeSession(sessionId);
      sessions.reload();
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="sessions-section">
      <h2 id={`${id}-heading`}>{t('sessions.heading')}</h2>
      <p className="muted">{t('sessions.intro')}</p>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {sessions.error ? <ErrorMessage error={sessions.error} onRetry={sessions.reload} /> : null}
      {!sessions.data && sessions.loading && <Loading />}
      {sessions.data && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('sessions.device')}</th>
                <th scope="col">{t('sessions.address')}</th>
                <th scope="col">{t('sessions.started')}</th>
                <th scope="col">{t('sessions.lastSeen')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('sessions.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.userAgent ?? t('sessions.unknownDevice')}</td>
                  <td className="mono">{s.ip ?? '—'}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastSeenAt)}</td>
                  <td>
                    {s.current ? (
                      <strong>{t('sessions.current')}</strong>
                    ) : (
                      <button type="button" className="button button-small button-danger" onClick={() => void revoke(s.id)} aria-label={t('sessions.revokeNamed', { date: formatDateTime(s.createdAt) })}>
                        {t('sessions.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {sessions.data.items.length <= 1 && <p>{t('sessions.none')}</p>}
        </div>
      )}
    </section>
  );
}
