import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, type CollectionInput } from '../../api';
import { subtreeIds } from '../../collection-tree';
import { useI18n } from '../../i18n';
import { fromLangDraft, toLangDraft, type LangDraft } from '../../metadata-draft';
import type { Collection, Visibility } from '../../types';
import { CollectionOptions } from '../CollectionOptions';
import { errorText } from '../ErrorMessage';
import { LangMapFields } from '../LangMapFields';

interface Draft {
  name: LangDraft;
  description: LangDraft;
  parentId: string;
  visibility: Visibility;
  openToContributions: boolean;
}

function toDraft(collection: Collection | null, parentId = ''): Draft {
  return {
    name: toLangDraft(collection?.name),
    description: toLangDraft(collection?.description),
    parentId: collection ? (collection.parentId ?? '') : parentId,
    visibility: collection?.visibility ?? 'private',
    openToContributions: collection?.openToContributions ?? false,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

interface Props {
  /** The collection being edited; null for the "new collection" form. */
  collection: Collection | null;
  /** Every collection the user can see, for the parent select. */
  collections: Collection[];
  /** data-testid prefix: `collection-create` or `collection-edit`. */
  testIdPrefix: string;
  submitLabel: string;
  /** A new object each time the new-collection form should start under another parent (and take focus). */
  preset?: { parentId: string } | null;
  onSaved: (saved: Collection, created: boolean) => void;
}

/**
 * Creates or edits one collection: names in the three edit languages, an optional description,
 * the parent (which moves it, with everything inside) and visibility. Errors from the server, such
 * as its refusal to nest a collection inside itself, are shown as it words them.
 */
export function CollectionForm({ collection, collections, testIdPrefix, submitLabel, preset, onSaved }: Props) {
  const { t, pick } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => toDraft(collection));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [nameMissing, setNameMissing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const problemRef = useRef<HTMLDivElement>(null);
  const id = useId();
  // A collection cannot move into itself or anywhere below itself.
  const blocked = useMemo(() => (collection ? subtreeIds(collections, collection.id) : undefined), [collection, collections]);

  useEffect(() => {
    if (!preset) return;
    setDraft((d) => ({ ...d, parentId: preset.parentId }));
    setStatus(null);
    formRef.current?.querySelector<HTMLInputElement>('input[type="text"]')?.focus();
  }, [preset]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setStatus(null);
  };

  const fail = (message: string) => {
    setProblem(message);
    requestAnimationFrame(() => problemRef.current?.focus());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    const name = fromLangDraft(draft.name);
    if (!name) {
      setNameMissing(true);
      fail(t('collections.nameRequired'));
      return;
    }
    setNameMissing(false);
    const description = fromLangDraft(draft.description) ?? null;
    const parentId = draft.parentId || null;
    let changes: Partial<CollectionInput>;
    if (collection) {
      changes = {
        ...(same(name, collection.name) ? {} : { name }),
        ...(same(description, collection.description) ? {} : { description }),
        ...(parentId === collection.parentId ? {} : { parentId }),
        ...(draft.visibility === collection.visibility ? {} : { visibility: draft.visibility }),
        ...(draft.openToContributions === collection.openToContributions ? {} : { openToContributions: draft.openToContributions }),
      };
      if (Object.keys(changes).length === 0) {
        setProblem(null);
        setStatus(t('collections.noChanges'));
        return;
      }
    } else {
      changes = { name, parentId, visibility: draft.visibility, openToContributions: draft.openToContributions, ...(description ? { description } : {}) };
    }
    setBusy(true);
    setProblem(null);
    try {
      const saved = collection ? await api.updateCollection(collection.id, changes) : await api.createCollection(changes as CollectionInput);
      const savedName = pick(saved.name) ?? saved.id;
      setDraft(collection ? toDraft(saved) : { ...toDraft(null, draft.parentId), visibility: draft.visibility });
      setStatus(t(collection ? 'collections.saved' : 'collections.created', { name: savedName }));
      onSaved(saved, !collection);
    } catch (e) {
      fail(t('collections.error', { message: errorText(e, t) }));
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setDraft(toDraft(collection));
    setProblem(null);
    setNameMissing(false);
    setStatus(null);
  };

  return (
    <form ref={formRef} className="collection-form" onSubmit={submit} noValidate data-testid={`${testIdPrefix}-form`}>
      {problem && (
        <div className="notice notice-error" role="alert" tabIndex={-1} ref={problemRef} data-testid={`${testIdPrefix}-error`}>
          <p>{problem}</p>
        </div>
      )}
      <LangMapFields legend={t('collections.name')} value={draft.name} onChange={(v) => set('name', v)} testIdPrefix={`${testIdPrefix}-name`} required invalid={nameMissing} />
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-parent`}>{t('collections.parent')}</label>
          <select id={`${id}-parent`} value={draft.parentId} onChange={(e) => set('parentId', e.target.value)} aria-describedby={collection ? `${id}-parent-hint` : undefined} data-testid={`${testIdPrefix}-parent`}>
            <option value="">{t('collections.topLevel')}</option>
            <CollectionOptions collections={collections} disabled={blocked} current={draft.parentId} />
          </select>
          {collection && (
            <p className="hint" id={`${id}-parent-hint`}>
              {t('collections.moveHint')}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-visibility`}>{t('field.visibility')}</label>
          <select id={`${id}-visibility`} value={draft.visibility} onChange={(e) => set('visibility', e.target.value as Visibility)} aria-describedby={`${id}-visibility-hint`} data-testid={`${testIdPrefix}-visibility`}>
            <option value="private">{t('visibility.private')}</option>
            <option value="public">{t('visibility.public')}</option>
          </select>
          <p className="hint" id={`${id}-visibility-hint`}>
            {t('collections.visibilityHint')}
          </p>
        </div>
      </div>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={draft.openToContributions}
            onChange={(e) => set('openToContributions', e.target.checked)}
            aria-describedby={`${id}-open-hint`}
            data-testid={`${testIdPrefix}-open`}
          />{' '}
          {t('collections.openToContributions')}
        </label>
        <p className="hint" id={`${id}-open-hint`}>
          {t('collections.openToContributionsHint')}
        </p>
      </div>
      {/* Most collections need only a name: the description stays folded away until it has text or is asked for. */}
      <details className="collection-description" open={Boolean(collection?.description) || undefined} data-testid={`${testIdPrefix}-description-toggle`}>
        <summary>{t('collections.description')}</summary>
        <LangMapFields legend={t('collections.descriptionLegend')} value={draft.description} onChange={(v) => set('description', v)} testIdPrefix={`${testIdPrefix}-description`} multiline />
      </details>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid={`${testIdPrefix}-submit`}>
          {busy ? t('edit.saving') : submitLabel}
        </button>
        {collection && (
          <button type="button" className="button" onClick={reset} disabled={busy}>
            {t('collections.reset')}
          </button>
        )}
      </div>
      <p role="status" className={status ? 'notice notice-success' : 'visually-hidden'} data-testid={`${testIdPrefix}-status`}>
        {status}
      </p>
    </form>
  );
}
