import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { serverErrorText } from '../../server-errors';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../ErrorMessage';
import { bulkActionLabel } from './action-label';
import { bulkApi, type BulkOperationDetail } from './bulk-api';

/** How often a running operation is asked for its progress. */
const POLL_MS = 1000;
const COUNTS = ['done', 'unchanged', 'skipped', 'failed'] as const;

interface Props {
  operation: BulkOperationDetail;
  /** Called whenever the operation finishes (the catalogue reloads to show the works as they are now). */
  onFinished: () => void;
  /** Follows another operation (the undo this one started). */
  onFollow: (operation: BulkOperationDetail) => void;
  onDismiss: () => void;
}

/** A bulk operation's progress, polled until it finishes; then its counts, the works it did not change, and Undo. */
export function BulkOperationStatus({ operation: started, onFinished, onFollow, onDismiss }: Props) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const [operation, setOperation] = useState(started);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const running = operation.status === 'queued' || operation.status === 'running';

  useEffect(() => setOperation(started), [started]);
  useEffect(() => {
    if (!running) return;
    let live = true;
    const timer = setTimeout(() => {
      bulkApi.operation(operation.id).then(
        (next) => {
          if (!live) return;
          setOperation(next);
          if (next.status !== 'queued' && next.status !== 'running') onFinished();
        },
        (e: unknown) => live && setError(errorText(e, i18n)),
      );
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [operation, running, onFinished, i18n]);

  const { counts } = operation;
  const processed = counts.total - counts.pending;
  const undo = async () => {
    setAsking(false);
    setError(null);
    try {
      onFollow((await bulkApi.undo(operation.id)).operation);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  };

  return (
    <section className="bulk-status" aria-labelledby={`bulk-${operation.id}`} data-testid="bulk-status">
      <h2 id={`bulk-${operation.id}`} className="bulk-status-heading">
        {t('bulk.operation', { action: bulkActionLabel(operation.action, i18n) })}
      </h2>
      <p role="status" className="bulk-status-line">
        {t(`bulk.status.${operation.status}`)} · {t('bulk.progress', { processed, total: counts.total })}
      </p>
      <progress className="bulk-progress" max={counts.total} value={processed} aria-label={t('bulk.progress', { processed, total: counts.total })} />
      <dl className="bulk-counts">
        {COUNTS.map((key) => (
          <div key={key} className={`bulk-count bulk-count-${key}`}>
            <dt>{t(`bulk.count.${key}`)}</dt>
            <dd className="num">{i18n.formatNumber(counts[key])}</dd>
          </div>
        ))}
      </dl>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {operation.problems.length > 0 && (
        <details className="bulk-problems" open={operation.problems.length <= 5}>
          <summary>{t('bulk.problems')}</summary>
          <ul>
            {operation.problems.map((problem) => {
              const title = problem.title ? pickEntry(problem.title) : null;
              return (
                <li key={problem.workId}>
                  <Link to={`/works/${encodeURIComponent(problem.workId)}`} lang={title ? htmlLang(title[0]) : undefined}>
                    {title ? title[1] : t('bulk.workId', { id: problem.workId })}
                  </Link>
                  {': '}
                  {serverErrorText({ code: problem.status, key: problem.reason.key, params: problem.reason.params, message: problem.reason.message }, i18n)}
                </li>
              );
            })}
          </ul>
          {operation.moreProblems > 0 && <p className="muted">{t('bulk.moreProblems', { count: operation.moreProblems })}</p>}
        </details>
      )}
      <div className="form-actions">
        {operation.canUndo && (
          <button type="button" className="button" onClick={() => setAsking(true)} data-testid="bulk-undo">
            {t('bulk.undo')}
          </button>
        )}
        {!running && (
          <button type="button" className="button" onClick={onDismiss}>
            {t('bulk.dismiss')}
          </button>
        )}
      </div>
      <ConfirmDialog open={asking} message={t('bulk.undoConfirm', { count: counts.done })} confirmLabel={t('bulk.undoLabel')} onConfirm={() => void undo()} onCancel={() => setAsking(false)} />
    </section>
  );
}
