import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import { safeHttpUrl } from '../safe-url';
import { annotationTypeKey, type Annotation } from './AnnotationModel';

interface Props {
  annotation: Annotation;
  /** Its image's number when the work has several, 1-based. */
  imageNumber?: number;
  /** Buttons under the details (zoom, edit, delete). */
  actions?: ReactNode;
}

/**
 * What a region shows: its type, the text as written (marked with its language, so it is set in the
 * right font and read aloud right), the translation in the reader's language with a fallback, whose
 * seal it is with a link to an authority record, and the curator's note.
 */
export function AnnotationDetails({ annotation, imageNumber, actions }: Props) {
  const { t, pickEntry } = useI18n();
  const translation = pickEntry(annotation.translation);
  const owner = pickEntry(annotation.owner?.name);
  const note = pickEntry(annotation.note);
  const uri = safeHttpUrl(annotation.owner?.uri);
  return (
    <section className="annotation-details" aria-labelledby={`annotation-${annotation.id}-heading`} data-annotation-id={annotation.id}>
      <h3 id={`annotation-${annotation.id}-heading`}>
        <span className={`annotation-swatch annotation-${annotation.type}`} aria-hidden="true" /> {t(annotationTypeKey(annotation.type))}
        {imageNumber !== undefined && <span className="muted"> · {t('annotation.onImage', { n: imageNumber })}</span>}
      </h3>
      <dl className="annotation-fields">
        {annotation.transcription && (
          <>
            <dt>{t('annotation.transcription')}</dt>
            <dd className="annotation-transcription" lang={annotation.transcriptionLanguage ?? undefined}>
              {annotation.transcription}
            </dd>
          </>
        )}
        {translation && (
          <>
            <dt>{t('annotation.translation')}</dt>
            <dd lang={htmlLang(translation[0])}>{translation[1]}</dd>
          </>
        )}
        {owner && (
          <>
            <dt>{t('annotation.owner')}</dt>
            <dd lang={htmlLang(owner[0])}>
              {uri ? (
                <a href={uri} rel="noopener noreferrer" target="_blank">
                  {owner[1]}
                </a>
              ) : (
                owner[1]
              )}
            </dd>
          </>
        )}
        {note && (
          <>
            <dt>{t('annotation.note')}</dt>
            <dd lang={htmlLang(note[0])}>{note[1]}</dd>
          </>
        )}
      </dl>
      {actions && <div className="button-row">{actions}</div>}
    </section>
  );
}
