import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { isDecision, DECISION_KEYS, reasonLabel } from '../../components/review/review-labels';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi, type ReviewNotification } from '../../review-api';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import '../../styles/review.css';

/** `/notifications`: what one was told (review decisions), newest first, and where it is emailed. */
export function NotificationsPage() {
  const { t, lang, formatDateTime } = useI18n();
  const { user } = useSession();
  const list = useApi(() => reviewApi.notifications(), user?.id ?? '');
  const reasons = useApi(() => reviewApi.reasons(), 'reasons');
  usePageTitle(t('review.notifications.title'));
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;

  const text = (n: ReviewNotification): string => {
    const decision = String(n.params.decision ?? '');
    const vars = { title: String((lang === 'en' ? n.params.titleEn : n.params.titleZh) ?? n.params.title ?? n.params.workId ?? ''), decision: isDecision(decision) ? t(DECISION_KEYS[decision]) : decision };
    return n.kind === 'review.case_decision' ? t('review.notification.caseDecision', vars) : t('review.notification.decision', vars);
  };
  const markAll = async () => {
    await reviewApi.markRead();
    list.reload();
  };
  return (
    <div className="review-page">
      <h1>{t('review.notifications.title')}</h1>
      {list.data.unread > 0 && (
        <button type="button" onClick={() => void markAll()} data-testid="notifications-read">
          {t('review.notifications.markAll')}
        </button>
      )}
      {list.data.items.length === 0 ? (
        <p className="muted">{t('review.notifications.empty')}</p>
      ) : (
        <ul data-testid="notifications">
          {list.data.items.map((n) => (
            <li key={n.id} className={n.readAt ? '' : 'review-unread'} data-testid="notification">
              {!n.readAt && <span>{t('review.notifications.unread')} · </span>}
              <Link to={n.kind === 'review.decision' ? '/submissions' : `/works/${encodeURIComponent(String(n.params.workId ?? ''))}`}>{text(n)}</Link>
              {n.params.reason ? ` · ${t('review.notification.reason', { reason: reasonLabel(reasons.data?.items, String(n.params.reason), lang) })}` : ''}
              {n.params.reasonText ? <p>{String(n.params.reasonText)}</p> : null}
              <small> {formatDateTime(n.createdAt)}</small>
            </li>
          ))}
        </ul>
      )}
      <EmailForm />
    </div>
  );
}

function EmailForm() {
  const { t } = useI18n();
  const address = useApi(() => reviewApi.email(), 'email');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!address.data) return null;
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    setSaved(false);
    setError(null);
    try {
      address.setData(await reviewApi.setEmail(email || null));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="review-card">
      <h2>{t('review.email.title')}</h2>
      {!address.data.mailConfigured && <p className="muted">{t('review.email.notConfigured')}</p>}
      <form className="review-form" onSubmit={(e) => void save(e)}>
        <label>
          {t('review.email.address')}
          <input type="email" name="email" defaultValue={address.data.email ?? ''} maxLength={254} />
        </label>
        {error ? <ErrorMessage error={error} /> : null}
        {saved ? <p role="status">{t('review.email.saved')}</p> : null}
        <button type="submit">{t('review.email.save')}</button>
      </form>
    </section>
  );
}
