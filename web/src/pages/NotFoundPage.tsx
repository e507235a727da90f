import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';

/** Any path the route table does not know, and any route that answers 404. */
export function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t('notFound.title'));
  return (
    <div className="page-narrow">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}
