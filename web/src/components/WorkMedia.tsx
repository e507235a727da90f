import { useI18n } from '../i18n';
import type { FileView } from '../types';
import { ZoomViewer } from './ZoomViewer';

// What browsers draw in <img>; TIFF and others wait for the server's display derivative.
const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

/** Shows one file the best way the browser can: deep zoom, audio, video, or a note. */
export function WorkMedia({ file, title }: { file: FileView; title: string }) {
  const { t } = useI18n();
  const alt = t('viewer.imageOf', { title });
  if (file.kind === 'image') {
    const display = file.derivatives.display;
    const src = display?.url ?? (file.url && BROWSER_IMAGES.has(file.mediaType) ? file.url : null);
    if (src) return <ZoomViewer key={src} src={src} alt={alt} width={display?.width ?? file.width} height={display?.height ?? file.height} />;
    const thumb = file.derivatives.thumbnail;
    return (
      <figure className="viewer viewer-fallback">
        {thumb && <img src={thumb.url} alt={alt} width={thumb.width} height={thumb.height} />}
        <figcaption className="hint">{t('viewer.preparing')}</figcaption>
      </figure>
    );
  }
  if (!file.url) return <p className="notice">{t('viewer.noPreview')}</p>;
  if (file.kind === 'audio') {
    return (
      <figure className="viewer viewer-media">
        <audio controls preload="metadata" src={file.url} aria-label={title} />
      </figure>
    );
  }
  if (file.kind === 'video') {
    return (
      <figure className="viewer viewer-media">
        <video controls preload="metadata" src={file.url} aria-label={title} />
      </figure>
    );
  }
  return <p className="notice">{t('viewer.noPreview')}</p>;
}
