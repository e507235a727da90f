import { Link } from 'react-router';
import { formatBytes } from '../format';
import { useI18n } from '../i18n';
import { noticeText, serverErrorText } from '../server-errors';
import type { UploadItem } from '../types';

export interface UploadEntry {
  key: number;
  file: File;
  state: 'waiting' | 'uploading' | 'processing' | 'done' | 'failed';
  loaded: number;
  result?: UploadItem;
  error?: string;
  abort?: () => void;
  /** Settings chosen when the file was added; later changes apply to later files only. */
  visibility: 'private' | 'public';
  collectionId: string;
}

/** One file of an upload: its own progress bar and its own result. */
export function UploadRow({ entry, onRemove, linkToWork = true }: { entry: UploadEntry; onRemove: (key: number) => void; /** False when the files are added to the work being shown. */ linkToWork?: boolean }) {
  const { t, lang } = useI18n();
  const { file, state, result } = entry;
  const percent = file.size > 0 ? Math.min(100, Math.round((entry.loaded / file.size) * 100)) : 100;
  const progressId = `upload-progress-${entry.key}`;

  let statusText: string;
  let tone = '';
  if (state === 'waiting') statusText = t('upload.status.waiting');
  else if (state === 'uploading') statusText = t('upload.status.uploading', { percent });
  else if (state === 'processing') statusText = t('upload.status.processing');
  else if (state === 'failed' || result?.status === 'failed') {
    const reason = result?.status === 'failed' ? serverErrorText({ ...result, message: result.reason }, { t, lang }) : (entry.error ?? '');
    statusText = t('upload.status.failed', { reason });
    tone = 'is-failed';
  } else {
    statusText = result?.status === 'unchanged' ? t('upload.status.unchanged') : t('upload.status.imported');
    tone = 'is-done';
  }

  return (
    <li className={`upload-row ${tone}`} data-testid="upload-row" data-state={result?.status ?? state}>
      <div className="upload-row-head">
        <span className="upload-name break">{file.name}</span>
        <span className="muted">{formatBytes(file.size, lang)}</span>
      </div>
      <progress id={progressId} max={100} value={state === 'waiting' ? 0 : state === 'uploading' ? percent : 100} aria-label={t('upload.progressOf', { name: file.name })} />
      <div className="upload-row-foot">
        <span className="upload-status">{statusText}</span>
        {linkToWork && result && result.status !== 'failed' && (
          <Link to={`/works/${encodeURIComponent(result.workId)}`} data-testid="upload-work-link">
            {t('upload.openWork')}
          </Link>
        )}
        {(state === 'uploading' || state === 'waiting') && (
          <button type="button" className="link-button" onClick={() => (entry.abort ? entry.abort() : onRemove(entry.key))} aria-label={t('upload.cancelName', { name: file.name })}>
            {t('upload.cancel')}
          </button>
        )}
      </div>
      {result && result.status !== 'failed' && result.notices.length > 0 && (
        <ul className="upload-warnings" aria-label={t('upload.warnings')}>
          {result.notices.map((n, i) => {
            const said = noticeText(n, { t, lang });
            return (
              <li key={i} lang={said.lang}>
                {said.text}
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}
