import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { EventsList } from '../components/EventsList';
import { AddFilesPanel } from '../components/AddFilesPanel';
import { AnnotationPanel } from '../components/AnnotationPanel';
import { AnnotationViewerContext, type ViewerHandle } from '../components/AnnotationViewerContext';
import { FileList } from '../components/FileList';
import { HistoryPanel } from '../components/HistoryPanel';
import { LangText } from '../components/LangText';
import { ProtectionPanel } from '../components/protect/ProtectionPanel';
import { RegistryPanel } from '../components/RegistryPanel';
import { Loading } from '../components/Loading';
import { WorkEditor } from '../components/WorkEditor';
import { WorkMedia } from '../components/WorkMedia';
import { WorkMetadataList } from '../components/WorkMetadataList';
import { workDateText } from '../format';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { htmlLang, otherEntries } from '../lang';
import { normalizeMetadata } from '../metadata-draft';
import { lastCatalogueHref } from '../catalogue-return';
import { useSession } from '../session';
import type { Collection, User, WorkDetail } from '../types';
import { useApi } from '../use-api';
import { useVocabulary } from '../vocabulary';

function normalize(work: WorkDetail): WorkDetail {
  return { ...work, metadata: normalizeMetadata(work.metadata) };
}

/** One work: deep-zoom image, all its metadata, its files, and for curators editing and history. */
export function WorkPage() {
  const id = useParams().id ?? '';
  const i18n = useI18n();
  const { t, pickEntry, pick, formatList } = i18n;
  const { user, hasRole } = useSession();
  const work = useApi(() => api.work(id).then(normalize), `${id}:${user?.id ?? ''}`);
  const vocabulary = useVocabulary();
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [collections, setCollections] = useState<Collection[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [fileIndex, setFileIndex] = useState(0);
  const editButton = useRef<HTMLButtonElement>(null);
  // The open deep-zoom viewer, reported by ZoomViewer through the context, for the annotation layer.
  const [viewerHandle, setViewerHandle] = useState<ViewerHandle | null>(null);
  // A catalogue search that led here: its annotation is shown and zoomed to.
  const query = useSearchParams()[0].get('q');
  const data = work.data;

  useEffect(() => {
    setEditing(false);
    setStatus(null);
    setFileIndex(0);
  }, [id]);
  useEffect(() => {
    api.collections().then((r) => setCollections(r.items), () => setCollections([]));
  }, [user?.id]);
  useEffect(() => {
    // Version history names users by id; admins can turn ids into names.
    if (hasRole('admin')) api.users().then((r) => setUsers(r.items), () => setUsers([]));
  }, [hasRole]);
  const titleEntry = data ? pickEntry(data.metadata.title) : null;
  const pageTitle = titleEntry?.[1];
  usePageTitle(pageTitle);

  if (work.error && !data) {
    const missing = work.error instanceof ApiError && work.error.status === 404;
    return (
      <div className="page-narrow">
        {missing ? (
          <>
            <h1>{t('work.notFound')}</h1>
            {user === null && (
              <p>
                <Link to={`/login?next=${encodeURIComponent(`/works/${encodeURIComponent(id)}`)}`}>{t('nav.signIn')}</Link>
              </p>
            )}
            <p>
              <Link to="/">{t('notFound.home')}</Link>
            </p>
          </>
        ) : (
          <ErrorMessage error={work.error} onRetry={work.reload} />
        )}
      </div>
    );
  }
  if (!data) return <Loading />;

  const m = data.metadata;
  const titleText = titleEntry?.[1] ?? data.id;
  const otherTitles = otherEntries(m.title, titleEntry?.[0]);
  const creators = formatList(m.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
  const date = workDateText(m.date, i18n);
  const file = data.files[fileIndex] ?? data.files[0];
  const userName = (userId: string | null) => {
    if (!userId) return t('common.unknown');
    if (user && user.id === userId) return user.displayName || user.username;
    const found = users.find((u) => u.id === userId);
    return found ? found.displayName || found.username : userId.slice(0, 8);
  };

  const saved = (next: WorkDetail, message: string) => {
    work.setData(normalize(next));
    setEditing(false);
    setStatus(message);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  return (
    <article className="work-page">
      <p className="back-link">
        <Link to={lastCatalogueHref()}>← {t('work.back')}</Link>
      </p>
      <header className="work-header">
        <div>
          <h1 data-testid="work-title" lang={titleEntry ? htmlLang(titleEntry[0]) : undefined}>
            {titleText}
          </h1>
          {otherTitles.length > 0 && (
            <p className="title-alts">
              <span className="visually-hidden">{t('langs.alsoIn')}: </span>
              {otherTitles.map(([tag, value]) => (
                <span key={tag} className="lang-alt">
                  <abbr className="lang-badge" title={i18n.langName(tag)}>
                    {i18n.langBadge(tag)}
                  </abbr>{' '}
                  <span lang={htmlLang(tag)}>{value}</span>
                </span>
              ))}
            </p>
          )}
          {(creators || date) && <p className="work-byline">{[creators, date].filter(Boolean).join(' · ')}</p>}
          {data.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
        </div>
        {data.canEdit && !editing && (
          <button
            type="button"
            className="button button-primary"
            data-testid="edit-button"
            ref={editButton}
            onClick={() => {
              setStatus(null);
              setEditing(true);
            }}
          >
            {t('edit.button')}
          </button>
        )}
      </header>
      <p role="status" className={status ? 'notice notice-success' : 'visually-hidden'}>
        {status}
      </p>

      <div className="work-layout">
        <div className="work-media">
          <AnnotationViewerContext value={setViewerHandle}>
            {file ? <WorkMedia file={file} title={titleText} work={data} onSelect={(f) => setFileIndex(data.files.indexOf(f))} /> : <p className="notice">{t('files.none')}</p>}
          </AnnotationViewerContext>
          <AnnotationPanel
            key={data.id}
            work={data}
            handle={viewerHandle}
            currentFile={file && file.kind === 'image' ? file.sha256 : null}
            onShowFile={(sha256) => {
              const index = data.files.findIndex((f) => f.sha256 === sha256);
              if (index >= 0) setFileIndex(index);
            }}
            query={query}
            onSaved={(next, message) => {
              work.setData(normalize(next));
              setStatus(message);
            }}
            onReload={work.reload}
          />
          {data.files.length > 1 && data.files.some((f) => f.kind !== 'image') && (
            <ul className="file-switcher" aria-label={t('files.heading')}>
              {data.files.map((f, i) => (
                <li key={f.sha256}>
                  <button type="button" className="thumb-button" aria-pressed={f === file} onClick={() => setFileIndex(i)}>
                    {f.derivatives.thumbnail ? <img src={f.derivatives.thumbnail.url} alt={f.name} loading="lazy" /> : <span>{f.name}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="work-details">
          {editing ? (
            <WorkEditor
              work={data}
              vocabulary={vocabulary}
              collections={collections}
              onSaved={(next) => saved(next, t('edit.saved', { version: next.version }))}
              onCancel={() => {
                setEditing(false);
                requestAnimationFrame(() => editButton.current?.focus());
              }}
              onReload={() => {
                setEditing(false);
                work.reload();
              }}
            />
          ) : (
            <>
              {m.description && (
                <section className="description" aria-label={t('field.description')}>
                  <LangText map={m.description} multiline others="collapsed" />
                </section>
              )}
              <h2 className="visually-hidden">{t('work.details')}</h2>
              <WorkMetadataList work={data} vocabulary={vocabulary} collections={collections} />
            </>
          )}
        </div>
      </div>

      <FileList files={data.files} />
      {data.canEdit && <AddFilesPanel workId={data.id} onAdded={work.reload} />}
      <RegistryPanel work={data} />
      <ProtectionPanel work={data} />
      {data.canEdit && (
        <>
          <HistoryPanel work={data} userName={userName} onRestored={(next, from) => saved(next, t('history.restored', { version: from, current: next.version }))} />
          <EventsList workId={data.id} revision={`${data.version}:${data.files.length}`} userName={userName} />
        </>
      )}
    </article>
  );
}
