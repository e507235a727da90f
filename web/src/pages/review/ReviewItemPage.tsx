import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { DECISION_KEYS, KIND_KEYS, OUTCOME_KEYS, STAGE_KEYS, checkLabel, isDecision, reasonLabel } from '../../components/review/review-labels';
import { ReviewNav } from '../../components/review/ReviewNav';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi, type ReviewDecision, type ReviewItem } from '../../review-api';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import '../../styles/review.css';

const SUBMISSION: ReviewDecision[] = ['approved', 'rejected', 'changes_requested'];
const CASE: ReviewDecision[] = ['dismissed', 'unpublished'];

/** `/review/items/:id`: one item — the work, the automatic checks, reports, the claim and the decision. */
export function ReviewItemPage() {
  const { id = '' } = useParams();
  const { t, lang, pick, formatDateTime } = useI18n();
  const { user } = useSession();
  const item = useApi(() => reviewApi.item(id), id);
  const reasons = useApi(() => reviewApi.reasons(), 'reasons');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  usePageTitle(t('review.item.title'));

  const act = async (fn: () => Promise<ReviewItem>) => {
    setBusy(true);
    setActionError(null);
    try {
      item.setData(await fn());
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  if (item.error) return <ErrorMessage error={item.error} onRetry={item.reload} />;
  if (!item.data) return <Loading />;
  const data = item.data;
  const mine = data.claimedBy === user?.id && data.claimExpiresAt !== null && data.claimExpiresAt > new Date().toISOString();
  const decisions = data.kind === 'submission' ? SUBMISSION : CASE;

  const decide = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const decision = String(form.get('decision') ?? '');
    if (!isDecision(decision)) return;
    const reasonCode = String(form.get('reason') ?? '') || null;
    const reasonText = String(form.get('text') ?? '').trim() || null;
    void act(() => reviewApi.decide(id, { decision, reasonCode, reasonText }));
  };

  return (
    <div className="review-page" data-testid="review-item" data-state={data.state} data-decision={data.decision ?? ''}>
      <h1>
        {pick(data.workTitle) ?? t('review.untitled')} <small>· {t(KIND_KEYS[data.kind])} · {t(STAGE_KEYS[data.stage])}</small>
      </h1>
      <ReviewNav />
      <p>
        <Link to={`/works/${encodeURIComponent(data.workId)}`}>{t('review.item.viewWork')}</Link>
        {' · '}
        {data.submitterName ? t(data.kind === 'submission' ? 'review.item.submitter' : 'review.item.owner', { name: data.submitterName }) : null}
        {' · '}
        {t('review.item.opened', { at: formatDateTime(data.openedAt) })}
      </p>

      {data.kind === 'submission' && (
        <section className="review-card">
          <h2>{t('review.checks.title')}</h2>
          {data.checksState === 'pending' ? (
            <p className="muted">{t('review.checks.pending')}</p>
          ) : (
            <ul className="review-checks" data-testid="review-checks">
              {data.checks.map((c) => (
                <li key={c.code} className="review-check" data-check={c.code} data-outcome={c.outcome}>
                  <span className={`review-outcome review-outcome-${c.outcome}`}>{t(OUTCOME_KEYS[c.outcome])}</span>
                  <span>{checkLabel(c.code, t)}</span>
                  <span className="review-params">
                    {Object.entries(c.params)
                      .filter(([, v]) => v !== '' && v !== 0)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {data.kind === 'report' && (
        <section className="review-card">
          <h2>{t('review.item.reports', { count: data.reportCount })}</h2>
          <ul>
            {data.reports.map((r, i) => (
              <li key={i}>
                <strong>{reasonLabel(reasons.data?.items, r.reasonCode, lang)}</strong> · {formatDateTime(r.createdAt)}
                {r.details ? <p>{r.details}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.appealText && (
        <section className="review-card">
          <h2>{t('review.item.appealText')}</h2>
          <p data-testid="review-appeal-text">{data.appealText}</p>
        </section>
      )}

      {actionError ? <ErrorMessage error={actionError} /> : null}
      {data.state === 'decided' ? (
        <p data-testid="review-decided">
          {t('review.item.decided', { at: formatDateTime(data.decidedAt), decision: data.decision ? t(DECISION_KEYS[data.decision]) : '' })}
          {data.reasonCode ? ` · ${reasonLabel(reasons.data?.items, data.reasonCode, lang)}` : ''}
          {data.reasonText ? ` · ${data.reasonText}` : ''}
        </p>
      ) : (
        <section className="review-card">
          <h2>{t('review.decide.title')}</h2>
          {mine ? (
            <p>
              {t('review.item.mine', { until: formatDateTime(data.claimExpiresAt) })}{' '}
              <button type="button" disabled={busy} onClick={() => void act(() => reviewApi.release(id))}>
                {t('review.item.release')}
              </button>
            </p>
          ) : (
            <p>
              {data.claimedBy && data.claimExpiresAt && data.claimExpiresAt > new Date().toISOString() ? `${t('review.item.heldBy', { name: data.claimedByName ?? data.claimedBy, until: formatDateTime(data.claimExpiresAt) })} ` : `${t('review.decide.claimFirst')} `}
              <button type="button" disabled={busy} onClick={() => void act(() => reviewApi.claim(id))} data-testid="review-claim">
                {t('review.item.claim')}
              </button>
            </p>
          )}
          {mine && (
            <form className="review-form" onSubmit={decide} data-testid="review-decide">
              <label>
                {t('review.decide.decision')}
                <select name="decision" required defaultValue={decisions[0]} data-testid="review-decision">
                  {decisions.map((d) => (
                    <option key={d} value={d}>
                      {t(DECISION_KEYS[d])}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('review.decide.reason')}
                <select name="reason" defaultValue="" data-testid="review-reason">
                  <option value="">{t('review.decide.noReason')}</option>
                  {(reasons.data?.items ?? [])
                    .filter((r) => !r.retired && r.appliesTo !== (data.kind === 'submission' ? 'report' : 'decision'))
                    .map((r) => (
                      <option key={r.code} value={r.code}>
                        {lang === 'en' ? r.label.en : r.label['zh-Hans']}
                      </option>
                    ))}
                </select>
              </label>
              <label>
                {t('review.decide.text')}
                <textarea name="text" rows={3} maxLength={2000} data-testid="review-text" />
              </label>
              <button type="submit" disabled={busy} data-testid="review-submit">
                {t('review.decide.submit')}
              </button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
