import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { useI18n } from '../i18n';
import { NotFoundPage } from './NotFoundPage';

/** What a route shows instead of a page that threw while rendering or loading (404s as "not found"). */
export function RouteErrorPage() {
  const { t } = useI18n();
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const shown = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}`.trim() : error;
  return (
    <div className="page-narrow">
      {/* A reload also fetches the current build, the usual cure for a page chunk that failed to load. */}
      <ErrorMessage error={shown} onRetry={() => window.location.reload()} />
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}
