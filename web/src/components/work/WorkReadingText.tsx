import { useId } from 'react';
import { useI18n } from '../../i18n';
import { knownLabel } from '../../labels';
import { htmlLang } from '../../lang';
import type { WorkDetail } from '../../types';
import { annotationsOf, annotationTypeKey } from '../AnnotationModel';
import { LangText } from '../LangText';

/**
 * The work's text to read rather than scan: its description, then what is written and stamped on
 * it (inscriptions, colophons, seals from the record, and the transcribed regions of its images).
 */
export function WorkReadingText({ work }: { work: WorkDetail }) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const id = useId();
  const m = work.metadata;
  // Regions with words to read; a region marking only damage or a bare note stays in the viewer.
  const written = annotationsOf(m).filter((a) => a.transcription || pickEntry(a.translation) || pickEntry(a.owner?.name));

  return (
    <>
      {m.description && (
        <section className="work-prose" aria-labelledby={`${id}-about`}>
          <h2 id={`${id}-about`}>{t('work.about')}</h2>
          <div className="work-prose-text">
            <LangText map={m.description} multiline others="collapsed" />
          </div>
        </section>
      )}
      {(m.inscriptions.length > 0 || written.length > 0) && (
        <section className="work-prose" aria-labelledby={`${id}-writing`} data-testid="work-inscriptions">
          <h2 id={`${id}-writing`}>{t('field.inscriptions')}</h2>
          <ul className="inscription-list">
            {m.inscriptions.map((ins, i) => (
              <li key={`m${i}`} className="inscription-item">
                <p className="inscription-kind">{knownLabel(i18n, 'inscription', ins.kind)}</p>
                <div className="work-prose-text">
                  <LangText map={ins.text} multiline others="collapsed" />
                </div>
              </li>
            ))}
            {written.map((a) => {
              const translation = pickEntry(a.translation);
              const owner = pickEntry(a.owner?.name);
              return (
                <li key={a.id} className="inscription-item">
                  <p className="inscription-kind">
                    {t(annotationTypeKey(a.type))}
                    {owner && (
                      <>
                        <span aria-hidden="true"> · </span>
                        <span className="visually-hidden">{t('annotation.owner')}: </span>
                        <span lang={htmlLang(owner[0])}>{owner[1]}</span>
                      </>
                    )}
                  </p>
                  {a.transcription && (
                    <p className="inscription-original prewrap" lang={a.transcriptionLanguage ?? undefined}>
                      {a.transcription}
                    </p>
                  )}
                  {translation && (
                    <p className="inscription-translation prewrap">
                      <span className="visually-hidden">{t('annotation.translation')}: </span>
                      <span lang={htmlLang(translation[0])}>{translation[1]}</span>
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </>
  );
}
