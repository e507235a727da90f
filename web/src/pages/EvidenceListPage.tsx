import { Link } from 'react-router';
import { api, evidencePath } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import { useApi } from '../use-api';

/** `/evidence`: the evidence reports of the signed-in user (admins and curators: everyone's). */
export function EvidenceListPage() {
  return <EvidenceList />;
}

function EvidenceList() {
  const { t, formatDateTime } = useI18n();
  const { user } = useSession();
  const reports = useApi(() => api.evidenceList(), user?.id ?? '');
  const items = reports.data?.items ?? [];

  usePageTitle(t('evidence.list.title'));

  return (
    <div className="evidence-list-page">
      <div className="panel-head">
        <h1>{t('evidence.list.title')}</h1>
        <Link to="/scan" className="button">
          {t('nav.scan')}
        </Link>
      </div>
      <p className="muted">{t('evidence.list.intro')}</p>
      {reports.error ? <ErrorMessage error={reports.error} onRetry={reports.reload} /> : null}
      {!reports.data && reports.loading && <Loading />}
      {reports.data && items.length === 0 && <p className="notice">{t('evidence.list.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="evidence-list">
            <caption className="visually-hidden">{t('evidence.list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('evidence.created')}</th>
                <th scope="col">{t('evidence.list.suspect')}</th>
                <th scope="col">{t('evidence.list.registration')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-testid="evidence-list-item">
                  <th scope="row" data-label={t('evidence.created')}>
                    <Link to={evidencePath(r.id)}>
                      <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
                    </Link>
                  </th>
                  <td className="mono break" data-label={t('evidence.list.suspect')}>{r.suspectSha256}</td>
                  <td data-label={t('evidence.list.registration')}>{r.registrationId ? t('evidence.list.registered') : t('evidence.list.notRegistered')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
