import { SaveErrorNotice } from './SaveErrorNotice';
import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { HeritageOptions, IndustryOptions } from './ClassificationOptions';
import { draftProblems, fromDraft, toDraft, type WorkDraft } from '../metadata-draft';
import { RightsUriField } from './RightsUriField';
import { useSession } from '../session';
import { type Collection, type Visibility, type Vocabulary, type WorkDetail } from '../types';
import { closedCollections, CollectionOptions } from './CollectionOptions';
import { CreatorRows } from './CreatorRows';
import { errorText } from './ErrorMessage';
import { withViewingDirection } from './IiifSources';
import { IiifViewingDirectionField } from './IiifViewingDirectionField';
import { LangMapFields } from './LangMapFields';
import { DataClassField } from './transfer/DataClassField';

interface Props {
  work: WorkDetail;
  vocabulary: Vocabulary | null;
  collections: Collection[];
  onSaved: (work: WorkDetail) => void;
  onCancel: () => void;
  onReload: () => void;
}

const POLICY_KEYS = { master: 'edit.downloadPolicy.master', display: 'edit.downloadPolicy.display', none: 'edit.downloadPolicy.none' } as const satisfies Record<string, MessageKey>;
const POLICY_SOURCE_KEYS = { work: 'edit.downloadPolicy.source.work', collection: 'edit.downloadPolicy.source.collection', rights: 'edit.downloadPolicy.source.rights' } as const satisfies Record<string, MessageKey>;

/** The metadata with the work page's vertical-title choice set, or the `display` object dropped when nothing is chosen. */
function withVerticalTitle(metadata: WorkDetail['metadata'], vertical: boolean): WorkDetail['metadata'] {
  const { display, ...rest } = metadata;
  const { verticalTitle: _previous, ...others } = display ?? {};
  const next = vertical ? { ...others, verticalTitle: true } : others;
  return Object.keys(next).length > 0 ? { ...rest, display: next } : rest;
}

/** The curator's form for a work's metadata, visibility and collection; saves with optimistic locking. */
export function WorkEditor({ work, vocabulary, collections, onSaved, onCancel, onReload }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const [draft, setDraft] = useState<WorkDraft>(() => toDraft(work));
  // Kept beside the draft (metadata-draft.ts does not know the field yet) and merged in on save.
  const [viewingDirection, setViewingDirection] = useState(work.metadata.viewingDirection);
  const [verticalTitle, setVerticalTitle] = useState(Boolean(work.metadata.display?.verticalTitle));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ conflict: boolean; message: string } | null>(null);
  const [showProblems, setShowProblems] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const set = <K extends keyof WorkDraft>(key: K, value: WorkDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const problems = draftProblems(draft);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) {
      setShowProblems(true);
      setError(null);
      requestAnimationFrame(() => errorRef.current?.focus());
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await api.updateWork(work.id, {
        expectedVersion: work.version,
        metadata: withVerticalTitle(withViewingDirection(fromDraft(draft, work.metadata), viewingDirection), verticalTitle),
        visibility: draft.visibility,
        ...((work.collectionId ?? '') !== draft.collectionId ? { collectionId: draft.collectionId || null } : {}),
        ...((work.downloadPolicy ?? '') !== draft.downloadPolicy ? { downloadPolicy: draft.downloadPolicy || null } : {}),
        ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
      });
      onSaved(saved);
    } catch (e) {
      const conflict = e instanceof ApiError && e.status === 409;
      setError({ conflict, message: errorText(e, t) });
      requestAnimationFrame(() => errorRef.current?.focus());
    } finally {
      setSaving(false);
    }
  };

  const titleProblem = showProblems && problems.includes('titleRequired');
  const yearsProblem = showProblems && problems.includes('yearsInvalid');
  const geoProblem = showProblems && problems.includes('geoInvalid');

  return (
    <form className="work-editor" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('edit.heading')}</h2>

      {(error || (showProblems && problems.length > 0)) && (
        <SaveErrorNotice
          error={error}
          problems={<>
            {titleProblem && <li>{t('edit.titleRequired')}</li>}
            {yearsProblem && <li>{t('edit.yearsInvalid')}</li>}
            {geoProblem && <li>{t('edit.geoInvalid')}</li>}
          </>}
          text={{ conflict: t('edit.conflict'), reload: t('edit.reloadWork'), error: (message) => t('edit.error', { message }), problems: t('edit.errorSummary') }}
          conflictDetail
          onReload={onReload}
          focusRef={errorRef}
        />
      )}

      <fieldset className="form-section">
        <legend>{t('edit.section.identity')}</legend>
        <LangMapFields legend={t('field.title')} value={draft.title} onChange={(v) => set('title', v)} testIdPrefix="title-input" required invalid={titleProblem} />
        <div className="field checkbox-row">
          <input id={`${id}-vertical`} type="checkbox" checked={verticalTitle} onChange={(e) => setVerticalTitle(e.target.checked)} aria-describedby={`${id}-vertical-hint`} data-testid="vertical-title-input" />
          <label htmlFor={`${id}-vertical`}>{t('edit.verticalTitle')}</label>
        </div>
        <p className="hint" id={`${id}-vertical-hint`}>
          {t('edit.verticalTitleHint')}
        </p>
        <CreatorRows value={draft.creators} onChange={(v) => set('creators', v)} />
      </fieldset>

      <fieldset className="form-section">
        <legend>{t('edit.section.object')}</legend>
        <LangMapFields legend={t('edit.dateDisplay')} value={draft.dateDisplay} onChange={(v) => set('dateDisplay', v)} />
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-earliest`}>{t('edit.earliest')}</label>
            <input id={`${id}-earliest`} type="number" inputMode="numeric" step={1} min={-10000} max={3000} value={draft.earliest} onChange={(e) => set('earliest', e.target.value)} aria-describedby={`${id}-years-hint`} aria-invalid={yearsProblem || undefined} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-latest`}>{t('edit.latest')}</label>
            <input id={`${id}-latest`} type="number" inputMode="numeric" step={1} min={-10000} max={3000} value={draft.latest} onChange={(e) => set('latest', e.target.value)} aria-describedby={`${id}-years-hint`} aria-invalid={yearsProblem || undefined} />
          </div>
        </div>
        <p className="hint" id={`${id}-years-hint`}>
          {t('years.hint')}
        </p>
        <LangMapFields legend={t('field.medium')} value={draft.medium} onChange={(v) => set('medium', v)} />
        <LangMapFields legend={t('field.dimensions')} value={draft.dimensions} onChange={(v) => set('dimensions', v)} />
        <LangMapFields legend={t('field.place')} value={draft.place} onChange={(v) => set('place', v)} />
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-lat`}>{t('edit.latitude')}</label>
            <input id={`${id}-lat`} type="number" inputMode="decimal" step="any" min={-90} max={90} value={draft.lat} onChange={(e) => set('lat', e.target.value)} aria-describedby={`${id}-geo-hint`} aria-invalid={geoProblem || undefined} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-lon`}>{t('edit.longitude')}</label>
            <input id={`${id}-lon`} type="number" inputMode="decimal" step="any" min={-180} max={180} value={draft.lon} onChange={(e) => set('lon', e.target.value)} aria-describedby={`${id}-geo-hint`} aria-invalid={geoProblem || undefined} />
          </div>
        </div>
        <p className="hint" id={`${id}-geo-hint`}>
          {t('edit.geoHint')}
        </p>
        <LangMapFields legend={t('field.description')} value={draft.description} onChange={(v) => set('description', v)} multiline />
        <IiifViewingDirectionField value={viewingDirection} onChange={setViewingDirection} />
      </fieldset>

      <fieldset className="form-section">
        <legend>{t('edit.section.context')}</legend>
        <LangMapFields legend={t('field.institution')} value={draft.institution} onChange={(v) => set('institution', v)} />
        <div className="field">
          <label htmlFor={`${id}-inv`}>{t('field.inventoryNumber')}</label>
          <input id={`${id}-inv`} type="text" value={draft.inventoryNumber} maxLength={200} onChange={(e) => set('inventoryNumber', e.target.value)} />
        </div>
        <RightsUriField id={`${id}-rights`} label={t('edit.rightsUri')} hint={t('edit.rightsHint')} value={draft.rightsUri} onChange={(uri) => set('rightsUri', uri)} />
      </fieldset>

      <fieldset className="form-section">
        <legend>{t('edit.section.access')}</legend>
        <div className="field">
          <label htmlFor={`${id}-industry`}>{t('field.industry')}</label>
          <select id={`${id}-industry`} value={draft.industry} onChange={(e) => set('industry', e.target.value)}>
            <option value="">{t('edit.notSet')}</option>
            <IndustryOptions vocabulary={vocabulary} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-heritage`}>{t('field.heritage')}</label>
          <select id={`${id}-heritage`} value={draft.heritage} onChange={(e) => set('heritage', e.target.value)}>
            <option value="">{t('edit.notSet')}</option>
            <HeritageOptions vocabulary={vocabulary} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-visibility`}>{t('field.visibility')}</label>
          <select id={`${id}-visibility`} data-testid="visibility-select" value={draft.visibility} onChange={(e) => set('visibility', e.target.value as Visibility)}>
            <option value="private">{t('visibility.private')}</option>
            <option value="public">{t('visibility.public')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-download`}>{t('edit.downloadPolicy')}</label>
          <select id={`${id}-download`} data-testid="download-policy-select" value={draft.downloadPolicy} aria-describedby={`${id}-download-hint`} onChange={(e) => set('downloadPolicy', e.target.value as WorkDraft['downloadPolicy'])}>
            <option value="">{t('edit.downloadPolicy.inherit')}</option>
            <option value="master">{t('edit.downloadPolicy.master')}</option>
            <option value="display">{t('edit.downloadPolicy.display')}</option>
            <option value="none">{t('edit.downloadPolicy.none')}</option>
          </select>
          <p className="hint" id={`${id}-download-hint`}>
            {t('edit.downloadPolicy.current', { policy: t(POLICY_KEYS[work.download.policy]), source: t(POLICY_SOURCE_KEYS[work.download.source]) })} {t('edit.downloadPolicy.hint')}
          </p>
        </div>
        {(collections.length > 0 || draft.collectionId) && (
          <div className="field">
            <label htmlFor={`${id}-collection`}>{t('field.collection')}</label>
            <select id={`${id}-collection`} data-testid="collection-select" value={draft.collectionId} onChange={(e) => set('collectionId', e.target.value)}>
              <option value="">{t('edit.noCollection')}</option>
              <CollectionOptions collections={collections} current={draft.collectionId} disabled={closedCollections(collections, user)} />
            </select>
          </div>
        )}
        <DataClassField target={{ type: 'work', id: work.id }} />
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-note`}>{t('edit.note')}</label>
        <input id={`${id}-note`} type="text" maxLength={500} value={draft.note} onChange={(e) => set('note', e.target.value)} />
      </div>

      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="save-button" disabled={saving} aria-disabled={saving}>
          {saving ? t('edit.saving') : t('edit.save')}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={saving}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
