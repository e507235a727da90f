import { useEffect, useRef, useState } from 'react';
import { uploadFile } from './api';
import { errorText } from './components/ErrorMessage';
import type { UploadEntry } from './components/UploadRow';
import { useI18n } from './i18n';
import type { Visibility } from './types';

let nextKey = 1;

/**
 * A queue of files, each uploaded on its own request (own progress, own result), at most `parallel`
 * at a time: as new works, or attached to `workId` when given.
 */
export function useUploadQueue(options: { parallel: number; workId?: string }) {
  const { t } = useI18n();
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const started = useRef(new Set<number>());
  const { parallel, workId } = options;
  const patch = (key: number, change: Partial<UploadEntry>) => setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...change } : e)));

  // Keeps up to `parallel` uploads running; `started` guards against starting one twice.
  useEffect(() => {
    const active = entries.filter((e) => e.state === 'uploading' || e.state === 'processing').length;
    const toStart = entries.filter((e) => e.state === 'waiting' && !started.current.has(e.key)).slice(0, Math.max(0, parallel - active));
    for (const entry of toStart) {
      started.current.add(entry.key);
      const { promise, abort } = uploadFile(entry.file, {
        visibility: entry.visibility,
        collectionId: entry.collectionId,
        ...(workId ? { workId } : {}),
        onProgress: (loaded, total) => patch(entry.key, { loaded, state: loaded >= total ? 'processing' : 'uploading' }),
      });
      patch(entry.key, { state: 'uploading', abort });
      promise.then(
        (result) => patch(entry.key, { state: result.status === 'failed' ? 'failed' : 'done', result, loaded: entry.file.size, abort: undefined }),
        (error: unknown) => patch(entry.key, { state: 'failed', error: errorText(error, t), abort: undefined }),
      );
    }
  }, [entries, parallel, workId, t]);

  return {
    entries,
    add: (files: File[], settings: { visibility: Visibility; collectionId: string }) =>
      setEntries((list) => [...list, ...files.map((file): UploadEntry => ({ key: nextKey++, file, state: 'waiting', loaded: 0, ...settings }))]),
    remove: (key: number) => setEntries((list) => list.filter((e) => e.key !== key)),
    clear: () => {
      setEntries([]);
      started.current.clear();
    },
  };
}
