import { formatBytes } from '../format';
import { useI18n } from '../i18n';
import type { FileView } from '../types';

/** Every file of a work with its type, size and what the reader may download of it (the work's download policy). */
export function FileList({ files }: { files: FileView[] }) {
  const { t, lang, formatNumber } = useI18n();
  return (
    <section className="panel" aria-labelledby="files-heading">
      <h2 id="files-heading">{t('files.heading')}</h2>
      {files.length === 0 ? (
        <p>{t('files.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-reflow">
            <thead>
              <tr>
                <th scope="col">{t('files.name')}</th>
                <th scope="col">{t('files.type')}</th>
                <th scope="col">{t('files.size')}</th>
                <th scope="col">{t('files.pixels')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('files.download')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((file) => (
                <tr key={file.sha256}>
                  <th scope="row" className="break" data-label={t('files.name')}>
                    {file.name}
                  </th>
                  <td data-label={t('files.type')}>{file.mediaType}</td>
                  <td className="num" data-label={t('files.size')}>{formatBytes(file.size, lang)}</td>
                  <td className="num" data-label={t('files.pixels')}>{file.width && file.height ? `${formatNumber(file.width)} × ${formatNumber(file.height)}` : '—'}</td>
                  <td>
                    {file.download ? (
                      <a href={file.download.url} download={file.name} aria-label={t(file.download.kind === 'master' ? 'files.downloadName' : 'files.downloadDisplayName', { name: file.name })}>
                        {t(file.download.kind === 'master' ? 'files.download' : 'files.downloadDisplay')}
                      </a>
                    ) : (
                      <span className="hint">{t('files.notOffered')}</span>
                    )}
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
