import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ExhibitionCard } from '../../components/exhibitions/ExhibitionCard';
import { PlusIcon } from '../../components/icons';
import { Loading } from '../../components/Loading';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import '../../styles/exhibitions.css';

/** The online exhibitions: published ones for everyone; staff also see drafts and can start a new one. */
export function ExhibitionListPage() {
  const { t } = useI18n();
  const { user, hasRole } = useSession();
  const staff = hasRole('admin', 'curator');
  // Signing in or out changes what is listed (drafts are for staff).
  const result = useApi(() => api.exhibitions(), user?.id ?? '');
  const [now] = useState(() => Date.now());
  usePageTitle(t('exhibitions.title'));
  const items = result.data?.items ?? [];

  return (
    <div className="exhibitions-page">
      <div className="exhibitions-head">
        <div>
          <h1>{t('exhibitions.title')}</h1>
          <p className="exhibitions-intro">{t('exhibitions.intro')}</p>
        </div>
        {staff && (
          <Link className="button button-primary" to="/exhibitions/new">
            <PlusIcon />
            <span>{t('exhibitions.new')}</span>
          </Link>
        )}
      </div>
      {result.error ? (
        <ErrorMessage error={result.error} onRetry={result.reload} />
      ) : !result.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <div className="exhibitions-empty">
          <p>{staff ? t('exhibitions.empty.staff') : t('exhibitions.empty.public')}</p>
          <p>
            {staff ? (
              <Link to="/exhibitions/new">{t('exhibitions.empty.start')}</Link>
            ) : (
              <Link to="/works">{t('exhibitions.empty.browse')}</Link>
            )}
          </p>
        </div>
      ) : (
        <ul className="exhibition-grid">
          {items.map((exhibition) => (
            <li key={exhibition.id}>
              <ExhibitionCard exhibition={exhibition} now={now} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
