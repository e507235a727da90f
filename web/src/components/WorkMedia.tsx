import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import type { FileView, WorkDetail } from '../types';
import { Filmstrip } from './Filmstrip';
import { IiifManifestLink } from './IiifManifestLink';
import { stripLayout, viewerImage } from './IiifSources';
import { ZoomViewer } from './ZoomViewer';

interface Props {
  /** The file to show. */
  file: FileView;
  title: string;
  /** The whole work: with it, a multi-image work gets a filmstrip (a handscroll one continuous view) and the IIIF link. */
  work?: Pick<WorkDetail, 'files' | 'iiif' | 'metadata'>;
  /** The reader picked another image in the filmstrip; without it the choice is kept here. */
  onSelect?: (file: FileView) => void;
}

/** Shows one file the best way the browser can: deep zoom (IIIF tiles), audio, video, or a note. */
export function WorkMedia({ file, title, work, onSelect }: Props) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<string | null>(null);
  const shown = (!onSelect && picked !== null ? work?.files.find((f) => f.sha256 === picked) : undefined) ?? file;
  const select = (next: FileView) => (onSelect ? onSelect(next) : setPicked(next.sha256));

  const imageFiles = work ? work.files.filter((f) => f.kind === 'image') : shown.kind === 'image' ? [shown] : [];
  const current = imageFiles.findIndex((f) => f.sha256 === shown.sha256);
  const direction = work?.metadata.viewingDirection;
  const vertical = stripLayout(direction).vertical;
  const strip =
    imageFiles.length > 1 ? (
      <Filmstrip
        items={imageFiles.map((f) => ({ key: f.sha256, name: f.name, thumbnail: f.derivatives.thumbnail ?? null }))}
        current={current}
        direction={direction}
        onSelect={(i) => {
          const next = imageFiles[i];
          if (next) select(next);
        }}
      />
    ) : null;
  const link = work?.iiif ? <IiifManifestLink manifest={work.iiif.manifest} /> : null;
  const alt = t('viewer.imageOf', { title });

  let media: ReactNode;
  if (shown.kind === 'image' && current >= 0) {
    const images = imageFiles.map(viewerImage);
    media = (
      <ZoomViewer
        // A new set of files starts afresh (forgetting which sources failed).
        key={imageFiles.map((f) => f.sha256).join(',')}
        images={images}
        current={current}
        alt={alt}
        row={direction === 'right-to-left'}
        footer={vertical ? undefined : strip}
        side={vertical ? strip : undefined}
        onCurrentChange={(i) => {
          const next = imageFiles[i];
          if (next) select(next);
        }}
      />
    );
  } else {
    media = (
      <>
        <OtherMedia file={shown} title={title} />
        {strip}
      </>
    );
  }
  return (
    <>
      {media}
      {link}
    </>
  );
}

function OtherMedia({ file, title }: { file: FileView; title: string }) {
  const { t } = useI18n();
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
