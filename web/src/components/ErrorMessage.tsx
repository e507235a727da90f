import { ApiError } from '../api';
import { useI18n, type Translate } from '../i18n';

/** A sentence for any error: the server's own message when it sent one. */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('errors.network');
    if (error.code === 'aborted') return t('errors.aborted');
    if (error.status === 401 && error.code === 'unauthenticated') return t('errors.signInRequired');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** An error shown to the user, announced by screen readers. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-error" role="alert">
      <p>{t('common.error', { message: errorText(error, t) })}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
