import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { StoryMarkdown } from '../components/exhibitions/StoryMarkdown';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { pickEntry } from '../lang';
import { privacyApi } from '../privacy-api';
import { useApi } from '../use-api';

/** `/privacy`: the privacy notice in force, in the reader's language (the built-in text until an admin writes one). */
export function PrivacyNoticePage() {
  const { t, lang, formatDateTime } = useI18n();
  const [params] = useSearchParams();
  const notice = useApi(() => privacyApi.notice(), 'privacy-notice');
  usePageTitle(t('privacy.notice.title'));
  const entry = notice.data?.text ? pickEntry(notice.data.text, lang) : null;
  return (
    <div className="privacy-page" data-testid="privacy-notice">
      <h1>{t('privacy.notice.title')}</h1>
      {params.get('erased') && (
        <p className="notice notice-success" role="status" data-testid="privacy-erased">
          {t('privacy.notice.erased')}
        </p>
      )}
      {notice.error && !notice.data ? <ErrorMessage error={notice.error} onRetry={notice.reload} /> : null}
      {!notice.data && notice.loading && <Loading />}
      {notice.data && (
        <>
          <p className="muted" data-testid="privacy-notice-version">
            {notice.data.updatedAt ? t('privacy.notice.updated', { version: notice.data.version, date: formatDateTime(notice.data.updatedAt) }) : t('privacy.notice.version', { version: notice.data.version })}
          </p>
          {entry ? (
            <StoryMarkdown source={entry[1]} lang={entry[0]} headingLevel={1} />
          ) : (
            <>
              <p>{t('privacy.notice.default.keep')}</p>
              <p>{t('privacy.notice.default.purposes')}</p>
              <p>{t('privacy.notice.default.rights')}</p>
              <p>{t('privacy.notice.default.retention')}</p>
            </>
          )}
        </>
      )}
    </div>
  );
}
