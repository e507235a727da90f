import { api } from '../api';
import { useI18n } from '../i18n';
import { useApi } from '../use-api';
import { actorLabel, eventDetailLines, eventName } from '../work-events';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

/** The audit events of a work (created, edited, file added, …), newest first as the server sends them. */
export function EventsList({ workId, revision, userName }: { workId: string; /** Changes when the work does (a save, files added), so the list is fetched again. */ revision: string; userName: (id: string | null) => string }) {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const events = useApi(() => api.events(workId), `${workId}@${revision}`);
  return (
    <section className="panel" aria-labelledby="events-heading">
      <h2 id="events-heading">{t('events.heading')}</h2>
      {events.error ? <ErrorMessage error={events.error} onRetry={events.reload} /> : null}
      {!events.data && events.loading && <Loading />}
      {events.data && events.data.items.length === 0 && <p>{t('events.empty')}</p>}
      {events.data && events.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('events.at')}</th>
                <th scope="col">{t('events.type')}</th>
                <th scope="col">{t('events.actor')}</th>
                <th scope="col">{t('events.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e, i) => (
                <tr key={i}>
                  <td>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>{eventName(i18n, e.type)}</td>
                  <td>{actorLabel(i18n, e.actorUsername, e.actorName ?? userName(e.actorId))}</td>
                  <td className="break">
                    {eventDetailLines(i18n, e.detail).map((line, j) => (
                      <div key={j}>{line}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
