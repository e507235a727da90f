import { SaveErrorNotice } from './SaveErrorNotice';
import { useEffect, useId, useRef, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import { LangMapFields } from './LangMapFields';
import { RegionNumberFields } from './RegionNumberFields';
import { ANNOTATION_TYPES, annotationProblemKey, annotationTypeKey, type AnnotationDraft, type AnnotationProblem } from './AnnotationModel';

/** A failed save: the server's words, whether someone else saved first, and the fields it refused. */
export interface AnnotationSaveError {
  conflict: boolean;
  message: string;
  fields: readonly string[];
}

interface Props {
  draft: AnnotationDraft;
  onChange: (draft: AnnotationDraft) => void;
  isNew: boolean;
  /** The problems to show (empty until the editor tries to save). */
  problems: readonly AnnotationProblem[];
  error: AnnotationSaveError | null;
  saving: boolean;
  /** The original's size, to say in which bounds the region must lie. */
  imageSize: { width: number; height: number } | null;
  onSubmit: () => void;
  onCancel: () => void;
  onReload: () => void;
}

// Languages a transcription is commonly in; any BCP 47 tag may be typed.
const LANGUAGE_SUGGESTIONS = ['zh-Hant', 'zh-Hans', 'lzh', 'ja', 'ko', 'mn', 'bo', 'ug', 'mnc', 'en'];
const REGION_LABELS = { x: 'annotation.regionX', y: 'annotation.regionY', width: 'annotation.regionWidth', height: 'annotation.regionHeight' } as const;

/** The editor's form for one annotation: type, region, transcription, translation, owner, note. */
export function AnnotationForm({ draft, onChange, isNew, problems, error, saving, imageSize, onSubmit, onCancel, onReload }: Props) {
  const { t } = useI18n();
  const id = useId();
  const alert = useRef<HTMLDivElement>(null);
  const set = <K extends keyof AnnotationDraft>(key: K, value: AnnotationDraft[K]) => onChange({ ...draft, [key]: value });
  const refused = (field: string) => error?.fields.some((f) => f === field || f.startsWith(`${field}.`)) ?? false;
  const regionBad = problems.includes('regionInvalid') || problems.includes('regionOutside') || refused('region') || refused('file');
  const showAlert = problems.length > 0 || error !== null;

  useEffect(() => {
    if (showAlert) alert.current?.focus();
  }, [showAlert, error, problems.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <form className="annotation-form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{isNew ? t('annotation.newHeading') : t('annotation.editHeading')}</h3>
      {showAlert && (
        <SaveErrorNotice
          error={error}
          problems={problems.map((p) => <li key={p}>{t(annotationProblemKey(p))}</li>)}
          text={{ conflict: t('annotation.conflict'), reload: t('annotation.reload'), error: (message) => t('annotation.error', { message }), problems: t('annotation.problems') }}
          onReload={onReload}
          focusRef={alert}
        />
      )}

      <div className="field">
        <label htmlFor={`${id}-type`}>{t('annotation.type')}</label>
        <select id={`${id}-type`} value={draft.type} onChange={(e) => set('type', ANNOTATION_TYPES.find((type) => type === e.target.value) ?? draft.type)}>
          {ANNOTATION_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(annotationTypeKey(type))}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="lang-fields">
        <legend>{t('annotation.region')}</legend>
        <div className="field-row">
          <RegionNumberFields idPrefix={id} values={draft} label={(field) => t(REGION_LABELS[field])} invalid={regionBad} describedBy={`${id}-region-hint`} onChange={set} />
        </div>
        <p className="hint" id={`${id}-region-hint`}>
          {imageSize ? t('annotation.regionHint', { width: imageSize.width, height: imageSize.height }) : t('annotation.regionHintNoSize')}
        </p>
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-transcription`}>{t('annotation.transcription')}</label>
        <textarea id={`${id}-transcription`} rows={3} lang={draft.transcriptionLanguage.trim() || undefined} value={draft.transcription} onChange={(e) => set('transcription', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-language`}>{t('annotation.transcriptionLanguage')}</label>
        <input
          id={`${id}-language`}
          type="text"
          list={`${id}-languages`}
          value={draft.transcriptionLanguage}
          aria-invalid={problems.includes('languageInvalid') || refused('transcriptionLanguage') || undefined}
          aria-describedby={`${id}-language-hint`}
          onChange={(e) => set('transcriptionLanguage', e.target.value)}
        />
        <datalist id={`${id}-languages`}>
          {LANGUAGE_SUGGESTIONS.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <p className="hint" id={`${id}-language-hint`}>
          {t('annotation.languageHint')}
        </p>
      </div>
      <LangMapFields legend={t('annotation.translation')} value={draft.translation} onChange={(v) => set('translation', v)} multiline />
      <LangMapFields legend={t('annotation.ownerName')} value={draft.ownerName} onChange={(v) => set('ownerName', v)} invalid={problems.includes('ownerNameRequired')} />
      <div className="field">
        <label htmlFor={`${id}-uri`}>{t('annotation.ownerUri')}</label>
        <input
          id={`${id}-uri`}
          type="url"
          inputMode="url"
          value={draft.ownerUri}
          aria-invalid={problems.includes('uriInvalid') || refused('owner') || undefined}
          aria-describedby={`${id}-uri-hint`}
          onChange={(e) => set('ownerUri', e.target.value)}
        />
        <p className="hint" id={`${id}-uri-hint`}>
          {t('annotation.ownerUriHint')}
        </p>
      </div>
      <LangMapFields legend={t('annotation.note')} value={draft.note} onChange={(v) => set('note', v)} multiline />

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving} aria-disabled={saving}>
          {saving ? t('annotation.saving') : t('annotation.save')}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={saving}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
