import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { errorText } from '../components/ErrorMessage';
import { FileDropZone } from '../components/FileDropZone';
import { ScanResultCard, type ScanEntry } from '../components/protect/ScanResultCard';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';

/** Files per request: results come back in batches, and a failed request loses only its batch. */
const BATCH = 10;
let nextKey = 1;

/** `/scan`: right holders check images found elsewhere against the archive. */
export function ScanPage() {
  return <Scanner />;
}

function Scanner() {
  const { t, formatNumber } = useI18n();
  const [entries, setEntries] = useState<ScanEntry[]>([]);
  const running = useRef(false);
  const id = useId();

  usePageTitle(t('scan.title'));

  // One request at a time (a scan is CPU-heavy on the server); the next batch starts when it ends.
  useEffect(() => {
    if (running.current) return;
    const batch = entries.filter((e) => e.state === 'waiting').slice(0, BATCH);
    if (batch.length === 0) return;
    running.current = true;
    const keys = new Set(batch.map((e) => e.key));
    const settle = (change: (entry: ScanEntry, index: number) => Partial<ScanEntry>) => {
      running.current = false;
      setEntries((list) => list.map((e) => (keys.has(e.key) ? { ...e, ...change(e, batch.findIndex((b) => b.key === e.key)) } : e)));
    };
    setEntries((list) => list.map((e) => (keys.has(e.key) ? { ...e, state: 'scanning' } : e)));
    api.scan(batch.map((e) => e.file)).then(
      // The server answers in the order the files were sent.
      ({ items }) => settle((_, i) => (items[i] ? { state: 'done', result: items[i] } : { state: 'failed', error: t('scan.noResult') })),
      (error: unknown) => settle(() => ({ state: 'failed', error: errorText(error, t) })),
    );
  }, [entries, t]);

  const add = (files: File[]) => setEntries((list) => [...list, ...files.map((file): ScanEntry => ({ key: nextKey++, file, state: 'waiting' }))]);

  const finished = entries.filter((e) => e.state === 'done' || e.state === 'failed');
  const matched = finished.filter((e) => e.result?.status === 'matched').length;
  const failed = finished.filter((e) => e.state === 'failed' || e.result?.status === 'error').length;
  const busy = finished.length < entries.length;

  return (
    <div className="scan-page">
      <div className="panel-head">
        <h1>{t('scan.title')}</h1>
        <Link to="/evidence" data-testid="evidence-list-link">
          {t('scan.reports')}
        </Link>
      </div>
      <p className="muted">{t('scan.intro')}</p>

      <FileDropZone id={`${id}-files`} testId="scan-input" accept="image/*" label={t('scan.choose')} hint={t('scan.drop')} multiple large onFiles={add} />

      {/* Present from the start so that screen readers announce each change of the summary. */}
      <p role="status" className="scan-summary" data-testid="scan-summary">
        {entries.length > 0 &&
          (busy
            ? t('scan.progress', { done: formatNumber(finished.length), total: formatNumber(entries.length) })
            : t('scan.summary', { total: formatNumber(entries.length), matched: formatNumber(matched), failed: formatNumber(failed) }))}
      </p>

      {entries.length > 0 && (
        <section aria-labelledby={`${id}-results`}>
          <div className="panel-head">
            <h2 id={`${id}-results`}>{t('scan.results')}</h2>
            {!busy && (
              <button type="button" className="button button-small" onClick={() => setEntries([])}>
                {t('scan.clear')}
              </button>
            )}
          </div>
          <ul className="scan-list">
            {entries.map((entry) => (
              <ScanResultCard key={entry.key} entry={entry} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
