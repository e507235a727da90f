import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { errorText, ErrorMessage } from '../components/ErrorMessage';
import { ArrowDownIcon, ArrowUpIcon, TrashIcon } from '../components/icons';
import { LangMapFields } from '../components/LangMapFields';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import { fromLangDraft, toLangDraft, type LangDraft } from '../metadata-draft';
import { usePageTitle } from '../instance';
import type { Collection, ExhibitionSummary, HomeSettings, LangMap, WorkSummary } from '../types';
import { useApi } from '../use-api';
import '../styles/home.css';

const MAX_WORKS = 24;
const MAX_COLLECTIONS = 12;
const MAX_EXHIBITIONS = 12;

interface ChosenWork {
  id: string;
  title: LangMap | null;
}

/** Curators choose what the home page shows: headline, featured works in order, collections, exhibitions. */
export function HomeEditorPage() {
  const { t } = useI18n();
  usePageTitle(t('homeEdit.title'));
  const settings = useApi(() => api.homeSettings(), 'home-settings');
  if (settings.error && !settings.data) return <ErrorMessage error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading />;
  return <HomeEditorForm initial={settings.data} />;
}

function HomeEditorForm({ initial }: { initial: HomeSettings }) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const [heroTitle, setHeroTitle] = useState<LangDraft>(() => toLangDraft(initial.heroTitle));
  const [heroText, setHeroText] = useState<LangDraft>(() => toLangDraft(initial.heroText));
  const [works, setWorks] = useState<ChosenWork[]>(() => initial.featuredWorkIds.map((id) => ({ id, title: null })));
  const [collectionIds, setCollectionIds] = useState<string[]>(initial.featuredCollectionIds);
  const [exhibitionIds, setExhibitionIds] = useState<string[]>(initial.featuredExhibitionIds);
  const [collections, setCollections] = useState<Collection[]>([]);
  const [exhibitions, setExhibitions] = useState<ExhibitionSummary[]>([]);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.collections().then((r) => setCollections(r.items.filter((c) => c.visibility === 'public')), () => setCollections([]));
    api.exhibitions().then((r) => setExhibitions(r.items.filter((e) => e.status === 'published')), () => setExhibitions([]));
    // Titles of the works already chosen (the settings hold ids only).
    let live = true;
    void Promise.all(initial.featuredWorkIds.map((id) => api.work(id).then((w) => [id, w.metadata.title] as const, () => [id, null] as const))).then((titles) => {
      if (!live) return;
      const byId = new Map(titles);
      setWorks((current) => current.map((w) => ({ ...w, title: w.title ?? byId.get(w.id) ?? null })));
    });
    return () => {
      live = false;
    };
  }, [initial]);

  const titleOf = (w: ChosenWork) => pickEntry(w.title)?.[1] ?? w.id;
  const move = (index: number, by: -1 | 1) =>
    setWorks((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  const toggle = (list: string[], set: (next: string[]) => void, id: string, max: number) => {
    if (list.includes(id)) set(list.filter((x) => x !== id));
    else if (list.length < max) set([...list, id]);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setStatus(null);
    const title = fromLangDraft(heroTitle);
    const text = fromLangDraft(heroText);
    try {
      await api.saveHomeSettings({
        ...(title ? { heroTitle: title } : {}),
        ...(text ? { heroText: text } : {}),
        featuredWorkIds: works.map((w) => w.id),
        featuredCollectionIds: collectionIds,
        featuredExhibitionIds: exhibitionIds,
      });
      setStatus({ ok: true, text: t('homeEdit.saved') });
    } catch (error) {
      setStatus({ ok: false, text: errorText(error, i18n) });
    } finally {
      setSaving(false);
      requestAnimationFrame(() => statusRef.current?.focus());
    }
  };

  return (
    <div className="page-narrow home-editor">
      <h1>{t('homeEdit.title')}</h1>
      <p className="lede">{t('homeEdit.lede')}</p>
      <form onSubmit={submit}>
        <LangMapFields legend={t('homeEdit.heroTitle')} value={heroTitle} onChange={setHeroTitle} testIdPrefix="home-hero-title" />
        <LangMapFields legend={t('homeEdit.heroText')} value={heroText} onChange={setHeroText} multiline testIdPrefix="home-hero-text" />

        <fieldset className="home-editor-group">
          <legend>{t('homeEdit.featuredWorks')}</legend>
          <p className="field-hint">{t('homeEdit.featuredWorksHint')}</p>
          {works.length === 0 ? (
            <p className="muted">{t('homeEdit.noneChosen')}</p>
          ) : (
            <ol className="chosen-list" data-testid="featured-works">
              {works.map((w, i) => (
                <li key={w.id}>
                  <span lang={htmlLang(pickEntry(w.title)?.[0] ?? '')}>{titleOf(w)}</span>
                  <span className="chosen-actions">
                    <button type="button" className="button button-small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('homeEdit.moveUp', { title: titleOf(w) })}>
                      <ArrowUpIcon />
                    </button>
                    <button type="button" className="button button-small" disabled={i === works.length - 1} onClick={() => move(i, 1)} aria-label={t('homeEdit.moveDown', { title: titleOf(w) })}>
                      <ArrowDownIcon />
                    </button>
                    <button type="button" className="button button-small" onClick={() => setWorks(works.filter((x) => x.id !== w.id))} aria-label={t('homeEdit.remove', { title: titleOf(w) })}>
                      <TrashIcon />
                    </button>
                  </span>
                </li>
              ))}
            </ol>
          )}
          <WorkFinder chosen={works.map((w) => w.id)} full={works.length >= MAX_WORKS} onAdd={(work) => setWorks([...works, { id: work.id, title: work.title }])} />
        </fieldset>

        <fieldset className="home-editor-group">
          <legend>{t('homeEdit.featuredCollections')}</legend>
          {collections.length === 0 ? (
            <p className="muted">{t('homeEdit.noCollections')}</p>
          ) : (
            <ul className="check-list">
              {collections.map((c) => {
                const name = pickEntry(c.name);
                return (
                  <li key={c.id}>
                    <label>
                      <input type="checkbox" checked={collectionIds.includes(c.id)} onChange={() => toggle(collectionIds, setCollectionIds, c.id, MAX_COLLECTIONS)} />{' '}
                      <span lang={name ? htmlLang(name[0]) : undefined}>{name?.[1] ?? c.id}</span>
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
        </fieldset>

        <fieldset className="home-editor-group">
          <legend>{t('homeEdit.featuredExhibitions')}</legend>
          <p className="field-hint">{t('homeEdit.featuredExhibitionsHint')}</p>
          {exhibitions.length === 0 ? (
            <p className="muted">{t('homeEdit.noExhibitions')}</p>
          ) : (
            <ul className="check-list">
              {exhibitions.map((e) => {
                const title = pickEntry(e.title);
                return (
                  <li key={e.id}>
                    <label>
                      <input type="checkbox" checked={exhibitionIds.includes(e.id)} onChange={() => toggle(exhibitionIds, setExhibitionIds, e.id, MAX_EXHIBITIONS)} />{' '}
                      <span lang={title ? htmlLang(title[0]) : undefined}>{title?.[1] ?? e.slug}</span>
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
        </fieldset>

        <div ref={statusRef} tabIndex={-1} role={status && !status.ok ? 'alert' : 'status'} className={status ? (status.ok ? 'notice notice-success' : 'notice notice-error') : 'visually-hidden'}>
          {status?.text}
        </div>
        <p className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving} data-testid="home-save">
            {saving ? t('homeEdit.saving') : t('homeEdit.save')}
          </button>
          <Link to="/">{t('homeEdit.cancel')}</Link>
        </p>
      </form>
    </div>
  );
}

/** Searches public works to add to the featured list. */
function WorkFinder({ chosen, full, onAdd }: { chosen: string[]; full: boolean; onAdd: (work: WorkSummary) => void }) {
  const { t, pickEntry } = useI18n();
  const [text, setText] = useState('');
  const [results, setResults] = useState<WorkSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = async () => {
    setError(null);
    const query = new URLSearchParams({ visibility: 'public', pageSize: '12' });
    if (text.trim()) query.set('q', text.trim());
    try {
      setResults((await api.catalogue(query.toString())).items);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="work-finder">
      <label htmlFor="home-work-search">{t('homeEdit.searchWorks')}</label>
      <div className="inline-form">
        <input
          id="home-work-search"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void search();
            }
          }}
          data-testid="home-work-search"
        />
        <button type="button" className="button" onClick={() => void search()}>
          {t('homeEdit.searchButton')}
        </button>
      </div>
      {full && <p className="field-hint">{t('homeEdit.limit', { max: MAX_WORKS })}</p>}
      {error !== null && <ErrorMessage error={error} />}
      {results && results.length === 0 && <p className="muted">{t('homeEdit.noResults')}</p>}
      {results && results.length > 0 && (
        <ul className="finder-results">
          {results.map((w) => {
            const title = pickEntry(w.title);
            const added = chosen.includes(w.id);
            return (
              <li key={w.id}>
                {w.thumbnail && <img src={w.thumbnail.url} alt="" width={48} height={Math.round((48 * w.thumbnail.height) / w.thumbnail.width)} loading="lazy" />}
                <span lang={title ? htmlLang(title[0]) : undefined}>{title?.[1] ?? w.id}</span>
                <button type="button" className="button button-small" disabled={added || full} onClick={() => onAdd(w)} data-testid="home-work-add">
                  {added ? t('homeEdit.added') : t('homeEdit.add')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
