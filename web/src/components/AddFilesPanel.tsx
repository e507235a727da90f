import { useEffect, useId } from 'react';
import { useI18n } from '../i18n';
import { useUploadQueue } from '../use-upload-queue';
import { FileDropZone } from './FileDropZone';
import { UploadRow } from './UploadRow';

/**
 * "Add files to this work", for those who may edit it: an imported record gets its image, an album
 * its next page. Each file is sent on its own request (own progress, own result); the work reloads
 * once the last one is done.
 */
export function AddFilesPanel({ workId, onAdded }: { workId: string; onAdded: () => void }) {
  const { t } = useI18n();
  const queue = useUploadQueue({ parallel: 3, workId });
  const { entries } = queue;
  const id = useId();

  // Reload the work when a batch has settled and at least one file was attached.
  const settled = entries.length > 0 && entries.every((e) => e.state === 'done' || e.state === 'failed');
  const attached = entries.some((e) => e.state === 'done');
  useEffect(() => {
    if (settled && attached) onAdded();
  }, [settled, attached, onAdded]);

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="add-files">
      <h2 id={`${id}-heading`}>{t('files.add.heading')}</h2>
      <p className="hint">{t('files.add.intro')}</p>
      <FileDropZone id={`${id}-input`} testId="add-files-input" label={t('files.add.choose')} hint={t('upload.drop')} multiple onFiles={(files) => queue.add(files, { visibility: 'private', collectionId: '' })} />
      {entries.length > 0 && (
        <ul className="upload-list" aria-live="polite">
          {entries.map((entry) => (
            <UploadRow key={entry.key} entry={entry} onRemove={queue.remove} linkToWork={false} />
          ))}
        </ul>
      )}
    </section>
  );
}
