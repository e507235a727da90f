import { formatBytes } from '../format';
import { useI18n } from '../i18n';
import type { FileView } from '../types';

/** Every file of a work with its type, size and a download link. */
export function FileList({ files }: { files: FileView[] }) {
  const { t, lang, formatNumber } = useI18n();
  return (
    <section className="panel" aria-labelledby="files-heading">
      <h2 id="files-heading">{t('files.heading')}</h2>
      {files.length === 0 ? (
        <p>{t('files.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
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
                  <th scope="row" className="break">
                    {file.name}
                  </th>
                  <td>{file.mediaType}</td>
                  <td className="num">{formatBytes(file.size, lang)}</td>
                  <td className="num">{file.width && file.height ? `${formatNumber(file.width)} × ${formatNumber(file.height)}` : '—'}</td>
                  <td>
                    <a href={file.url} download={file.name} aria-label={t('files.downloadName', { name: file.name })}>
                      {t('files.download')}
                    </a>
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
