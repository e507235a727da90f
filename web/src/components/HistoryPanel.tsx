import { useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { knownLabel } from '../labels';
import { actorLabel } from '../work-events';
import type { WorkDetail } from '../types';
import { useApi } from '../use-api';
import { bulkNoteText } from './bulk/action-label';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorMessage, errorText } from './ErrorMessage';
import { Loading } from './Loading';

interface Props {
  work: WorkDetail;
  userName: (id: string | null) => string;
  onRestored: (work: WorkDetail, from: number) => void;
}

/** The versions of a work with who changed what, and a restore button for each older version. */
export function HistoryPanel({ work, userName, onRestored }: Props) {
  const i18n = useI18n();
  const { t, formatDateTime, formatList } = i18n;
  const versions = useApi(() => api.versions(work.id), `${work.id}@${work.version}`);
  const [asking, setAsking] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fieldLabel = (field: string) => knownLabel(i18n, 'field', field);

  const restore = async (version: number) => {
    setAsking(null);
    setError(null);
    try {
      const restored = await api.restore(work.id, version, work.version);
      onRestored(restored, version);
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  return (
    <section className="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('history.heading')}</h2>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {versions.error ? <ErrorMessage error={versions.error} onRetry={versions.reload} /> : null}
      {!versions.data && versions.loading && <Loading />}
      {versions.data && versions.data.items.length === 0 && <p>{t('history.empty')}</p>}
      {versions.data && versions.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('history.version')}</th>
                <th scope="col">{t('history.when')}</th>
                <th scope="col">{t('history.by')}</th>
                <th scope="col">{t('history.changed')}</th>
                <th scope="col">{t('history.note')}</th>
                <th scope="col">{t('history.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {[...versions.data.items]
                .sort((a, b) => b.version - a.version)
                .map((v) => (
                  <tr key={v.version}>
                    <th scope="row" className="num">
                      {v.version}
                    </th>
                    <td>
                      <time dateTime={v.changedAt}>{formatDateTime(v.changedAt)}</time>
                    </td>
                    <td>{actorLabel(i18n, v.changedByUsername, v.changedByName ?? userName(v.changedBy))}</td>
                    <td>{v.changedFields.length ? formatList(v.changedFields.map(fieldLabel)) : t('history.created')}</td>
                    <td>{bulkNoteText(v.note, i18n) ?? v.note ?? ''}</td>
                    <td>
                      {v.version === work.version ? (
                        <span className="muted">{t('history.current')}</span>
                      ) : (
                        <button type="button" className="button button-small" onClick={() => setAsking(v.version)} aria-label={t('history.restoreVersion', { version: v.version })}>
                          {t('history.restore')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={asking !== null}
        message={t('history.confirm', { version: asking ?? 0 })}
        confirmLabel={t('history.restore')}
        onConfirm={() => asking !== null && restore(asking)}
        onCancel={() => setAsking(null)}
      />
    </section>
  );
}
