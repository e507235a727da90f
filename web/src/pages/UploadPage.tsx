import { useEffect, useId, useRef, useState } from 'react';
import { api, uploadFile } from '../api';
import { CollectionOptions } from '../components/CollectionOptions';
import { errorText } from '../components/ErrorMessage';
import { FileDropZone } from '../components/FileDropZone';
import { RequireRole } from '../components/RequireRole';
import { UploadRow, type UploadEntry } from '../components/UploadRow';
import { useI18n } from '../i18n';
import type { Collection, Visibility } from '../types';

const PARALLEL = 3;
let nextKey = 1;

/** Upload page, for roles that may create works. */
export function UploadPage() {
  return (
    <RequireRole roles={['admin', 'curator', 'creator']}>
      <Uploader />
    </RequireRole>
  );
}

/** Drag-and-drop or pick files; each is sent on its own request so it has its own progress and result. */
function Uploader() {
  const { t, formatNumber } = useI18n();
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [collectionId, setCollectionId] = useState('');
  const [collections, setCollections] = useState<Collection[]>([]);
  const started = useRef(new Set<number>());
  const id = useId();

  useEffect(() => {
    document.title = `${t('upload.title')} · 文渊 Wenyuan`;
  }, [t]);
  useEffect(() => {
    api.collections().then((r) => setCollections(r.items), () => setCollections([]));
  }, []);

  const patch = (key: number, change: Partial<UploadEntry>) => setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...change } : e)));

  // Keeps up to PARALLEL uploads running; `started` guards against starting one twice.
  useEffect(() => {
    const active = entries.filter((e) => e.state === 'uploading' || e.state === 'processing').length;
    const toStart = entries.filter((e) => e.state === 'waiting' && !started.current.has(e.key)).slice(0, Math.max(0, PARALLEL - active));
    for (const entry of toStart) {
      started.current.add(entry.key);
      const { promise, abort } = uploadFile(entry.file, {
        visibility: entry.visibility,
        collectionId: entry.collectionId,
        onProgress: (loaded, total) => patch(entry.key, { loaded, state: loaded >= total ? 'processing' : 'uploading' }),
      });
      patch(entry.key, { state: 'uploading', abort });
      promise.then(
        (result) => patch(entry.key, { state: result.status === 'failed' ? 'failed' : 'done', result, loaded: entry.file.size, abort: undefined }),
        (error: unknown) => patch(entry.key, { state: 'failed', error: errorText(error, t), abort: undefined }),
      );
    }
  }, [entries, t]);

  const add = (files: File[]) => {
    const added = files.map((file): UploadEntry => ({ key: nextKey++, file, state: 'waiting', loaded: 0, visibility, collectionId }));
    setEntries((list) => [...list, ...added]);
  };

  const finished = entries.filter((e) => e.state === 'done' || e.state === 'failed');
  const count = (status: string) => finished.filter((e) => (e.result?.status ?? 'failed') === status).length;
  const busy = entries.some((e) => e.state === 'waiting' || e.state === 'uploading' || e.state === 'processing');

  return (
    <div className="upload-page">
      <h1>{t('upload.title')}</h1>
      <p className="muted">{t('upload.intro')}</p>

      <fieldset className="upload-settings">
        <legend>{t('upload.settings')}</legend>
        <div className="field-row">
          <div className="field">
            <span className="label" id={`${id}-vis`}>
              {t('upload.visibility')}
            </span>
            <div className="radio-row" role="radiogroup" aria-labelledby={`${id}-vis`}>
              {(['private', 'public'] as const).map((v) => (
                <label key={v} className="radio">
                  <input type="radio" name={`${id}-visibility`} value={v} checked={visibility === v} onChange={() => setVisibility(v)} data-testid={`upload-visibility-${v}`} />
                  {t(`visibility.${v}`)}
                </label>
              ))}
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-collection`}>{t('upload.collection')}</label>
            <select id={`${id}-collection`} value={collectionId} onChange={(e) => setCollectionId(e.target.value)} data-testid="upload-collection">
              <option value="">{t('upload.noCollection')}</option>
              <CollectionOptions collections={collections} />
            </select>
          </div>
        </div>
      </fieldset>

      <FileDropZone id={`${id}-files`} testId="upload-input" label={t('upload.choose')} hint={t('upload.drop')} multiple large onFiles={add} />

      {entries.length > 0 && (
        <section className="panel" aria-labelledby={`${id}-queue`}>
          <div className="panel-head">
            <h2 id={`${id}-queue`}>{t('upload.queue')}</h2>
            {!busy && (
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setEntries([]);
                  started.current.clear();
                }}
              >
                {t('upload.clear')}
              </button>
            )}
          </div>
          <p role="status" className="upload-summary" data-testid="upload-summary">
            {finished.length > 0 &&
              t('upload.summary', { imported: formatNumber(count('imported')), unchanged: formatNumber(count('unchanged')), failed: formatNumber(count('failed')) })}
          </p>
          <ul className="upload-list">
            {entries.map((entry) => (
              <UploadRow key={entry.key} entry={entry} onRemove={(key) => setEntries((list) => list.filter((e) => e.key !== key))} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
