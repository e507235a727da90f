import { ApiError } from '../api';
import { useI18n, type I18n, type Translate } from '../i18n';
import { isKeyedError, serverErrorText } from '../server-errors';

/**
 * A sentence for any error in the reader's language: the server's errors (and the receipt
 * verifier's) by their message key. Pass the whole `useI18n()` rather than `t` where you can: with
 * the language known, sizes are written its way and the English interface may fall back on the
 * server's own message for a key this client does not know.
 */
export function errorText(error: unknown, i18n: Translate | Pick<I18n, 't' | 'lang'>): string {
  const speaker = typeof i18n === 'function' ? { t: i18n } : i18n;
  const { t } = speaker;
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('errors.network');
    if (error.code === 'aborted') return t('errors.aborted');
    if (error.status === 401 && error.code === 'unauthenticated') return t('errors.signInRequired');
    return serverErrorText(error, speaker);
  }
  if (isKeyedError(error)) return serverErrorText(error, speaker);
  return error instanceof Error ? error.message : String(error);
}

/** An error shown to the user, announced by screen readers. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <div className="notice notice-error" role="alert">
      <p>{t('common.error', { message: errorText(error, i18n) })}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
