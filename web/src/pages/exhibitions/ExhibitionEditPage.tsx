import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage, errorText } from '../../components/ErrorMessage';
import { LangMapFields } from '../../components/LangMapFields';
import { Loading } from '../../components/Loading';
import { SaveErrorNotice, type SaveError } from '../../components/SaveErrorNotice';
import { exhibitionPath } from '../../components/exhibitions/ExhibitionCard';
import {
  draftKey,
  draftProblems,
  emptyDraft,
  emptySection,
  fromExhibitionDraft,
  moveItem,
  newSectionId,
  SLUG_MAX,
  slugFromTitle,
  toExhibitionDraft,
  type DraftProblem,
  type ExhibitionDraft,
  type SectionDraft,
} from '../../components/exhibitions/exhibition-draft';
import { PlusIcon } from '../../components/icons';
import { MediaEditor } from '../../components/exhibitions/MediaEditor';
import { SectionEditor } from '../../components/exhibitions/SectionEditor';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import type { Exhibition } from '../../types';
import { useApi } from '../../use-api';
import { useUnsavedChanges } from '../../use-unsaved-changes';
import { NotFoundPage } from '../NotFoundPage';
import '../../styles/exhibitions.css';

const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

/** Whether an API error is the showcase refusal `name` (servers send it as the code, the key, or both). */
const isRefusal = (error: unknown, name: string): error is ApiError => error instanceof ApiError && (error.key === name || error.code === name);

/** `/exhibitions/new` and `/exhibitions/:slug/edit`: the exhibition editor for admins and curators. */
export function ExhibitionEditPage() {
  const { slug } = useParams();
  const result = useApi(() => (slug ? api.exhibition(slug) : Promise.resolve(null)), slug ?? '');
  if (result.error instanceof ApiError && result.error.status === 404) return <NotFoundPage />;
  if (result.error) return <ErrorMessage error={result.error} onRetry={result.reload} />;
  if (result.data === undefined) return <Loading />;
  // A fresh form for each exhibition (and after a reload for a conflict).
  return <ExhibitionEditor key={result.data ? `${result.data.id}@${result.data.version}` : 'new'} stored={result.data} onReload={result.reload} />;
}

function ExhibitionEditor({ stored, onReload }: { stored: Exhibition | null; onReload: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const id = useId();
  const [draft, setDraft] = useState<ExhibitionDraft>(() => (stored ? toExhibitionDraft(stored) : emptyDraft()));
  // The form as last loaded or saved: the curator's changes since are unsaved, and "Discard" returns to it.
  const [pristine, setPristine] = useState<ExhibitionDraft>(draft);
  const [saved, setSaved] = useState<Exhibition | null>(stored);
  const [showProblems, setShowProblems] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<SaveError | null>(null);
  const [slugError, setSlugError] = useState<string | null>(null);
  // After the first save the page moves to the exhibition's own edit URL and says it was saved.
  const location = useLocation();
  const [done, setDone] = useState<string | null>(() => (location.state as { saved?: string } | null)?.saved ?? null);
  const [confirming, setConfirming] = useState<'delete' | 'discard' | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const focusSection = useRef<string | null>(null);
  usePageTitle(stored ? t('exhibitions.editor.editTitle') : t('exhibitions.editor.newTitle'));

  const pristineKey = useMemo(() => draftKey(pristine), [pristine]);
  const draftChanged = useMemo(() => draftKey(draft) !== pristineKey, [draft, pristineKey]);
  const { blocker, release } = useUnsavedChanges(draftChanged);

  const problems = draftProblems(draft, t('exhibitions.cover'));
  const words = (p: DraftProblem) => t(p.key, p.params);
  const problemsAt = (where: string) => (showProblems ? problems.filter((p) => p.where === where).map(words) : []);

  useEffect(() => {
    if ((error || (showProblems && problems.length > 0)) && errorRef.current) errorRef.current.focus();
    // Only when a save attempt ends, not on every keystroke.
  }, [error, showProblems]);

  // A new section takes the focus, so keyboard users land in it.
  useEffect(() => {
    if (!focusSection.current) return;
    document.getElementById(`edit-${focusSection.current}`)?.querySelector<HTMLElement>('input, textarea')?.focus();
    focusSection.current = null;
  }, [draft.sections.length]);

  const update = (change: Partial<ExhibitionDraft>) => {
    setDone(null);
    setDraft((d) => ({ ...d, ...change }));
  };
  const setSection = (index: number, section: SectionDraft) => {
    setDone(null);
    setDraft((d) => ({ ...d, sections: d.sections.map((s, i) => (i === index ? section : s)) }));
  };
  const addSection = () => {
    const sectionId = newSectionId(random, new Set(draft.sections.map((s) => s.id)));
    focusSection.current = sectionId;
    update({ sections: [...draft.sections, emptySection(sectionId)] });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowProblems(true);
    setError(null);
    setSlugError(null);
    setDone(null);
    if (problems.length > 0) return;
    setSaving(true);
    const sent = draft;
    const input = fromExhibitionDraft(sent);
    try {
      const result = saved ? await api.updateExhibition(saved.id, { ...input, version: saved.version }) : await api.createExhibition(input);
      setSaved(result);
      // What was sent is saved; anything typed while it was on its way is not.
      setPristine(sent);
      setShowProblems(false);
      const message = t('exhibitions.editor.saved', { version: result.version });
      setDone(message);
      if (!saved || result.slug !== saved.slug) {
        release();
        navigate(`${exhibitionPath(result.slug)}/edit`, { replace: true, state: { saved: message } });
      }
    } catch (e) {
      if (isRefusal(e, 'showcase.slug_taken')) {
        setSlugError(t('exhibitions.editor.slugTakenField'));
        setError({ conflict: false, message: t('exhibitions.editor.slugTaken', { slug: draft.slug }) });
      } else if (isRefusal(e, 'showcase.private_work')) {
        const workId = String(e.params?.workId ?? '');
        const sectionId = String(e.params?.sectionId ?? '');
        // The server names the section; an older one may only name the work, so look for it.
        const index = sectionId ? draft.sections.findIndex((s) => s.id === sectionId) : draft.sections.findIndex((s) => s.media?.workId === workId || s.links.some((l) => l.workId === workId));
        const place = e.params?.place === 'cover' || index < 0 ? t('exhibitions.cover') : t('exhibitions.sectionNumber', { number: index + 1 });
        setError({ conflict: false, message: t('exhibitions.editor.privateWork', { workId, place }) });
      } else {
        setError({ conflict: isRefusal(e, 'showcase.exhibition_changed') || (e instanceof ApiError && e.status === 409), message: errorText(e, i18n) });
      }
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    setConfirming(null);
    if (!saved) return;
    setSaving(true);
    try {
      await api.deleteExhibition(saved.id);
      release();
      navigate('/exhibitions', { replace: true });
    } catch (e) {
      setError({ conflict: false, message: errorText(e, i18n) });
      setSaving(false);
    }
  };

  const discard = () => {
    setConfirming(null);
    setDraft(pristine);
    setShowProblems(false);
    setError(null);
    setSlugError(null);
  };

  const slugProblem = problemsAt('slug')[0] ?? slugError;
  const titleProblem = problemsAt('title')[0];
  return (
    <form className="exhibition-editor" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <div className="exhibition-editor-head">
        <h1 id={`${id}-title`}>{stored ? t('exhibitions.editor.editTitle') : t('exhibitions.editor.newTitle')}</h1>
        {saved && (
          <Link to={exhibitionPath(saved.slug)} className="button">
            {t('exhibitions.editor.view')}
          </Link>
        )}
      </div>

      {(error || (showProblems && problems.length > 0)) && (
        <SaveErrorNotice
          error={error}
          problems={problems.map((p, i) => (
            <li key={i}>{words(p)}</li>
          ))}
          text={{ conflict: t('exhibitions.editor.conflict'), reload: t('exhibitions.editor.reload'), error: (message) => t('exhibitions.editor.error', { message }), problems: t('exhibitions.editor.problems') }}
          conflictDetail
          onReload={onReload}
          focusRef={errorRef}
        />
      )}
      {done && (
        <p className="notice notice-success" role="status">
          {done}
        </p>
      )}

      <LangMapFields legend={t('exhibitions.field.title')} value={draft.title} required invalid={Boolean(titleProblem)} onChange={(title) => update({ title, ...(draft.slugEdited ? {} : { slug: slugFromTitle(title) }) })} />
      {titleProblem && <p className="field-error">{titleProblem}</p>}

      <div className="field">
        <label htmlFor={`${id}-slug`}>
          {t('exhibitions.field.slug')}
          <span aria-hidden="true"> *</span>
        </label>
        <input
          id={`${id}-slug`}
          type="text"
          dir="ltr"
          required
          maxLength={SLUG_MAX}
          autoCapitalize="off"
          spellCheck={false}
          value={draft.slug}
          aria-invalid={Boolean(slugProblem) || undefined}
          aria-describedby={`${id}-slug-hint`}
          onChange={(e) => {
            setSlugError(null);
            update({ slug: e.target.value, slugEdited: e.target.value !== '' });
          }}
        />
        <p className="hint" id={`${id}-slug-hint`}>
          {t('exhibitions.field.slugHint', { path: exhibitionPath(draft.slug || '…') })}
        </p>
        {slugProblem && <p className="field-error">{slugProblem}</p>}
      </div>

      <LangMapFields legend={t('exhibitions.field.subtitle')} value={draft.subtitle} onChange={(subtitle) => update({ subtitle })} />
      <LangMapFields legend={t('exhibitions.field.summary')} value={draft.summary} multiline onChange={(summary) => update({ summary })} />

      <MediaEditor legend={t('exhibitions.field.cover')} media={draft.cover} onChange={(cover) => update({ cover })} problems={problemsAt('cover')} />

      <section className="exhibition-editor-sections" aria-labelledby={`${id}-sections`}>
        <h2 id={`${id}-sections`}>{t('exhibitions.editor.sections', { count: draft.sections.length })}</h2>
        {draft.sections.length === 0 && <p className="hint">{t('exhibitions.editor.noSections')}</p>}
        {draft.sections.map((section, index) => (
          <SectionEditor
            key={section.id}
            section={section}
            index={index}
            count={draft.sections.length}
            onChange={(next) => setSection(index, next)}
            onMove={(delta) => {
              update({ sections: moveItem(draft.sections, index, delta) });
              // Keep the keyboard on the moved section's heading.
              requestAnimationFrame(() => document.getElementById(`edit-${section.id}`)?.scrollIntoView({ block: 'nearest' }));
            }}
            onRemove={() => update({ sections: draft.sections.filter((s) => s.id !== section.id) })}
            problems={problemsAt(section.id)}
          />
        ))}
        <button type="button" className="button" onClick={addSection}>
          <PlusIcon />
          <span>{t('exhibitions.editor.addSection')}</span>
        </button>
      </section>

      <fieldset className="exhibition-editor-publish">
        <legend>{t('exhibitions.field.status')}</legend>
        <div className="radio-row">
          {(['draft', 'published'] as const).map((status) => (
            <label key={status} className="field-inline">
              <input type="radio" name={`${id}-status`} value={status} checked={draft.status === status} onChange={() => update({ status })} />
              {t(`exhibitions.status.${status}`)}
            </label>
          ))}
        </div>
        <div className="field">
          <label htmlFor={`${id}-publishAt`}>{t('exhibitions.field.publishAt')}</label>
          <input id={`${id}-publishAt`} type="datetime-local" value={draft.publishAt} aria-describedby={`${id}-publishAt-hint`} onChange={(e) => update({ publishAt: e.target.value })} />
          <p className="hint" id={`${id}-publishAt-hint`}>
            {t('exhibitions.field.publishAtHint')}
          </p>
          {problemsAt('publishAt').map((p) => (
            <p className="field-error" key={p}>
              {p}
            </p>
          ))}
        </div>
      </fieldset>

      <div className="form-actions exhibition-editor-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t('exhibitions.editor.saving') : t('exhibitions.editor.save')}
        </button>
        {draftChanged && (
          <button type="button" className="button" disabled={saving} onClick={() => setConfirming('discard')}>
            {t('exhibitions.editor.discard')}
          </button>
        )}
        {saved && (
          <button type="button" className="button button-danger" disabled={saving} onClick={() => setConfirming('delete')}>
            {t('exhibitions.editor.delete')}
          </button>
        )}
        <p className="hint exhibition-editor-unsaved" role="status">
          {draftChanged ? t('exhibitions.editor.unsaved') : ''}
        </p>
      </div>
      <ConfirmDialog open={confirming === 'delete'} message={t('exhibitions.editor.deleteConfirm')} confirmLabel={t('exhibitions.editor.delete')} onConfirm={() => void remove()} onCancel={() => setConfirming(null)} />
      <ConfirmDialog open={confirming === 'discard'} message={t('exhibitions.editor.discardConfirm')} confirmLabel={t('exhibitions.editor.discard')} onConfirm={discard} onCancel={() => setConfirming(null)} />
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        message={t('exhibitions.editor.leaveConfirm')}
        confirmLabel={t('exhibitions.editor.leave')}
        onConfirm={() => blocker.proceed?.()}
        onCancel={() => blocker.reset?.()}
      />
    </form>
  );
}
