import { useI18n } from '../i18n';
import { Link } from '../router';

/** Any path the router does not know. */
export function NotFoundPage() {
  const { t } = useI18n();
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
