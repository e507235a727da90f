import { api } from '../../api';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n';
import { useApi } from '../../use-api';

/** One row of the account's facts: how much the user has uploaded, against their quota. */
export function UploadUsageRow() {
  const { t, lang } = useI18n();
  const usage = useApi(() => api.uploadUsage(), 'upload-usage');
  if (!usage.data) return null;
  const { usedBytes, quotaBytes } = usage.data;
  const used = formatBytes(usedBytes, lang);
  return (
    <div className="metadata-row" data-testid="upload-usage">
      <dt>{t('usage.label')}</dt>
      <dd>
        {quotaBytes === null ? (
          t('usage.noQuota', { used })
        ) : (
          <>
            {t('usage.ofQuota', { used, quota: formatBytes(quotaBytes, lang), percent: Math.min(1, usedBytes / quotaBytes) })}
            <meter className="usage-meter" min={0} max={quotaBytes} low={quotaBytes * 0.8} high={quotaBytes * 0.95} optimum={0} value={Math.min(usedBytes, quotaBytes)} aria-label={t('usage.label')} />
            {usedBytes >= quotaBytes && <p className="muted">{t('usage.full')}</p>}
          </>
        )}
      </dd>
    </div>
  );
}
