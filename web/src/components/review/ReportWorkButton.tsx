import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { reviewApi } from '../../review-api';
import { useApi } from '../../use-api';
import { ErrorMessage } from '../ErrorMessage';
import '../../styles/review.css';

/** "Report this work" on a public work's page: a reason from the instance's list and details, for anyone. */
export function ReportWorkButton({ workId }: { workId: string }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reasons = useApi(() => (open ? reviewApi.reasons() : Promise.resolve({ items: [] })), open ? 'reasons' : 'closed');
  if (sent) return <p role="status" data-testid="report-sent">{t('review.report.sent')}</p>;
  if (!open)
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)} data-testid="report-work">
        {t('review.report.button')}
      </button>
    );
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await reviewApi.report(workId, String(form.get('reason')), String(form.get('details') ?? '').trim());
      setSent(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="review-report-dialog review-form" role="dialog" aria-label={t('review.report.title')} onSubmit={(e) => void submit(e)} data-testid="report-dialog">
      <h2>{t('review.report.title')}</h2>
      <label>
        {t('review.report.reason')}
        <select name="reason" required data-testid="report-reason">
          {(reasons.data?.items ?? [])
            .filter((r) => !r.retired && r.appliesTo !== 'decision')
            .map((r) => (
              <option key={r.code} value={r.code}>
                {lang === 'en' ? r.label.en : r.label['zh-Hans']}
              </option>
            ))}
        </select>
      </label>
      <label>
        {t('review.report.details')}
        <textarea name="details" rows={4} maxLength={2000} />
      </label>
      {error ? <ErrorMessage error={error} /> : null}
      <div>
        <button type="submit" data-testid="report-send">
          {t('review.report.send')}
        </button>{' '}
        <button type="button" className="link-button" onClick={() => setOpen(false)}>
          {t('review.report.cancel')}
        </button>
      </div>
    </form>
  );
}
