import { useI18n } from '../i18n';
import { annotationSummary, annotationTypeKey, type Annotation } from './AnnotationModel';

interface Props {
  annotations: readonly Annotation[];
  /** sha256 of the work's images in reading order, to say which image each annotation is on. */
  imageOrder: readonly string[];
  selected: string | null;
  onSelect: (id: string) => void;
}

/**
 * The work's annotations as a list of buttons: the keyboard's (and screen reader's) way to what the
 * outlines on the image show. Choosing one shows its details and zooms to it.
 */
export function AnnotationList({ annotations, imageOrder, selected, onSelect }: Props) {
  const { t, lang } = useI18n();
  if (annotations.length === 0) return <p className="hint">{t('annotation.empty')}</p>;
  return (
    <ul className="annotation-list" aria-label={t('annotation.listLabel')}>
      {annotations.map((a) => {
        const type = t(annotationTypeKey(a.type));
        const summary = annotationSummary(a, lang);
        const image = imageOrder.indexOf(a.file);
        return (
          <li key={a.id}>
            <button type="button" className="annotation-item" aria-pressed={a.id === selected} data-annotation-id={a.id} onClick={() => onSelect(a.id)}>
              <span className={`annotation-swatch annotation-${a.type}`} aria-hidden="true" />
              <span className="annotation-item-type">{type}</span>
              {summary && (
                <span className="annotation-item-text" lang={a.transcription && a.transcriptionLanguage ? a.transcriptionLanguage : undefined} dir="auto">
                  {summary}
                </span>
              )}
              {imageOrder.length > 1 && image >= 0 && <span className="annotation-item-image muted">{t('annotation.onImage', { n: image + 1 })}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
