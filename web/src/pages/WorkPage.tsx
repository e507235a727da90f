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
import { ProtectionPanel } from '../components/protect/ProtectionPanel';
import { RegistryPanel } from '../components/RegistryPanel';
import { ReportWorkButton } from '../components/review/ReportWorkButton';
import { WorkReviewNotice } from '../components/review/WorkReviewNotice';
import { Loading } from '../components/Loading';
import { WorkEditor } from '../components/WorkEditor';
import { WorkMedia } from '../components/WorkMedia';
import { WorkMetadataList } from '../components/WorkMetadataList';
import { FavouriteToggle } from '../components/recommend/FavouriteToggle';
import { MoreLikeThisRow } from '../components/recommend/MoreLikeThisRow';
import { useWorkSignals } from '../components/recommend/use-work-signals';
import { RelatedWorks } from '../components/work/RelatedWorks';
import { ReuseRights } from '../components/work/ReuseRights';
import { WorkRights } from '../components/license/WorkRights';
import { WorkReadingText } from '../components/work/WorkReadingText';
import { tabIds, WorkTabs } from '../components/work/WorkTabs';
import { WorkTombstone } from '../components/work/WorkTombstone';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { htmlLang } from '../lang';
import { normalizeMetadata } from '../metadata-draft';
import { lastCatalogueHref } from '../catalogue-return';
import { useSession } from '../session';
import type { Collection, User, WorkDetail } from '../types';
import { useApi } from '../use-api';
import { useVocabulary } from '../vocabulary';
import '../styles/work-page.css';

type Tab = 'about' | 'staff';
const TAB_ID_BASE = 'work';
/** Shown in the public details list; the record's bookkeeping is for the staff tab. */
const STAFF_FACTS = ['visibility', 'version', 'updatedAt', 'workType'] as const;
/** Rows the public page says elsewhere: in the reading text and the reuse section. */
const SHOWN_ELSEWHERE = ['inscriptions', 'rights', ...STAFF_FACTS] as const;

function normalize(work: WorkDetail): WorkDetail {
  return { ...work, metadata: normalizeMetadata(work.metadata) };
}

/** Whether a title in this language may be set vertically (Chinese scripts and Literary Chinese). */
function verticalScript(tag: string | undefined): boolean {
  return tag !== undefined && /^(zh|lzh)(-|$)/i.test(tag);
}

/**
 * One work as a museum visitor expects it: the image large on a dark stage, a label under it, the
 * text to read, how it may be reused and related works; for those who may edit it, a staff tab
 * with the files, registry, protection, history and events (not rendered for anyone else).
 */
export function WorkPage() {
  const id = useParams().id ?? '';
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
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
  const [searchParams, setSearchParams] = useSearchParams();
  // A catalogue search that led here: its annotation is shown and zoomed to.
  const query = searchParams.get('q');
  const data = work.data;
  // The staff tab is in the URL so staff can link to it; for anyone else the URL asks for nothing.
  const tab: Tab = searchParams.get('tab') === 'staff' && data?.canEdit ? 'staff' : 'about';
  const selectTab = (next: Tab) => {
    setSearchParams(
      (params) => {
        const updated = new URLSearchParams(params);
        if (next === 'staff') updated.set('tab', 'staff');
        else updated.delete('tab');
        return updated;
      },
      { replace: true },
    );
  };

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
  // Told to the recommender (kept only with the reader's consent).
  useWorkSignals(data?.id ?? null, viewerHandle, Boolean(user));
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
  const vertical = Boolean(m.display?.verticalTitle) && verticalScript(titleEntry?.[0]);
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

  const heading = (
    <h1 data-testid="work-title" className={vertical ? 'work-title work-title-vertical' : 'work-title'} lang={titleEntry ? htmlLang(titleEntry[0]) : undefined}>
      {titleText}
    </h1>
  );
  const panelIds = tabIds(TAB_ID_BASE, tab);
  const panelProps = data.canEdit ? { role: 'tabpanel', id: panelIds.panel, 'aria-labelledby': panelIds.tab, tabIndex: 0 } : {};

  return (
    <article className="work-page">
      <p className="back-link no-print">
        <Link to={lastCatalogueHref()}>← {t('work.back')}</Link>
      </p>

      <div className={vertical ? 'work-stage work-stage-titled' : 'work-stage'} data-testid="work-stage">
        <div className="work-stage-media">
          <AnnotationViewerContext value={setViewerHandle}>
            {file ? <WorkMedia file={file} title={titleText} work={data} onSelect={(f) => setFileIndex(data.files.indexOf(f))} /> : <p className="work-stage-empty">{t('files.none')}</p>}
          </AnnotationViewerContext>
        </div>
        {vertical && heading}
      </div>

      <div className="work-stage-tools no-print">
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

      <WorkTombstone work={data} title={vertical ? null : heading} titleTag={titleEntry?.[0]} />
      {user && (
        <p className="rec-favourite-line no-print">
          <FavouriteToggle key={data.id} workId={data.id} />
        </p>
      )}

      <p role="status" className={status ? 'notice notice-success' : 'visually-hidden'}>
        {status}
      </p>
      {data.canEdit && <WorkReviewNotice review={data.review} />}

      {data.canEdit && (
        <WorkTabs<Tab>
          idBase={TAB_ID_BASE}
          label={t('work.tabs')}
          selected={tab}
          onSelect={selectTab}
          tabs={[
            { id: 'about', label: t('work.tab.about'), testId: 'tab-about' },
            { id: 'staff', label: t('work.tab.staff'), testId: 'tab-staff' },
          ]}
        />
      )}

      {tab === 'about' ? (
        <div className="work-tab-panel" {...panelProps}>
          <div className="work-body">
            <div className="work-text">
              <WorkReadingText work={data} />
              <section className="work-details" aria-labelledby="work-details-heading">
                <h2 id="work-details-heading">{t('work.details')}</h2>
                <WorkMetadataList work={data} vocabulary={vocabulary} collections={collections} exclude={SHOWN_ELSEWHERE} />
              </section>
            </div>
            {/* Not an <aside>: a complementary landmark inside <main> is an accessibility error. */}
            <div className="work-aside">
              <ReuseRights work={data} file={file} title={titleText} />
              <WorkRights workId={data.id} />
              {data.visibility === 'public' && !data.canEdit && <ReportWorkButton workId={data.id} />}
            </div>
          </div>
          <RelatedWorks workId={data.id} vocabulary={vocabulary} userKey={user?.id ?? ''} />
          <MoreLikeThisRow workId={data.id} vocabulary={vocabulary} userKey={user?.id ?? ''} />
        </div>
      ) : (
        <div className="work-tab-panel work-staff" {...panelProps} data-testid="work-staff">
          <section className="panel work-record" aria-labelledby="work-record-heading">
            <div className="work-record-head">
              <h2 id="work-record-heading">{t('work.record')}</h2>
              {!editing && (
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
            </div>
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
              <WorkMetadataList work={data} vocabulary={vocabulary} collections={collections} only={STAFF_FACTS} />
            )}
          </section>
          <FileList files={data.files} />
          <AddFilesPanel workId={data.id} onAdded={work.reload} />
          <p className="work-terms-link">
            <Link to={`/works/${encodeURIComponent(data.id)}/terms`} data-testid="work-terms-link">
              {t('licenseAdmin.work.termsLink')}
            </Link>
          </p>
          <RegistryPanel work={data} />
          <ProtectionPanel work={data} />
          <HistoryPanel work={data} userName={userName} onRestored={(next, from) => saved(next, t('history.restored', { version: from, current: next.version }))} />
          <EventsList workId={data.id} revision={`${data.version}:${data.files.length}`} userName={userName} />
        </div>
      )}
    </article>
  );
}
