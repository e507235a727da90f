import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import { closedCollections, CollectionOptions } from '../components/CollectionOptions';
import { FileDropZone } from '../components/FileDropZone';
import { UploadRow } from '../components/UploadRow';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import type { Collection, Visibility } from '../types';
import { useUploadQueue } from '../use-upload-queue';

const PARALLEL = 3;

/** Upload page, for roles that may create works. */
export function UploadPage() {
  return <Uploader />;
}

/** Drag-and-drop or pick files; each is sent on its own request so it has its own progress and result. */
function Uploader() {
  const { t, formatNumber } = useI18n();
  const { user } = useSession();
  const queue = useUploadQueue({ parallel: PARALLEL });
  const { entries } = queue;
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [collectionId, setCollectionId] = useState('');
  const [collections, setCollections] = useState<Collection[]>([]);
  const id = useId();

  usePageTitle(t('upload.title'));
  useEffect(() => {
    api.collections().then((r) => setCollections(r.items), () => setCollections([]));
  }, []);

  const add = (files: File[]) => queue.add(files, { visibility, collectionId });

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
              <CollectionOptions collections={collections} disabled={closedCollections(collections, user)} />
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
                onClick={queue.clear}
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
              <UploadRow key={entry.key} entry={entry} onRemove={queue.remove} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
