import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { IiifManifestLink } from '../../components/IiifManifestLink';
import { Loading } from '../../components/Loading';
import { formatDay } from '../../components/exhibitions/ExhibitionCard';
import { CopyLinkButton } from '../../components/exhibitions/CopyLinkButton';
import { EditIcon, LinkIcon, PrintIcon } from '../../components/icons';
import { RegionImage } from '../../components/exhibitions/RegionImage';
import { StoryProblems } from '../../components/exhibitions/StoryProblems';
import { StoryViewer, type StoryFrame } from '../../components/exhibitions/StoryViewer';
import { activeSection, applyIntersections, pictureSection, progressOf, READING_LINE_MARGIN, sectionAtLine } from '../../components/exhibitions/story-activation';
import { REDUCED_MOTION, useMediaQuery, WIDE_STORY } from '../../components/exhibitions/use-media-query';
import { useI18n } from '../../i18n';
import { ImageGate, useMainImageDone } from '../../image-gate';
import { useAbsoluteUrl, usePageTitle } from '../../instance';
import { htmlLang } from '../../lang';
import type { Exhibition, ExhibitionMedia } from '../../types';
import { COVER_IMAGE_SIZES } from '../../main-image';
import { useApi } from '../../use-api';
import { NotFoundPage } from '../NotFoundPage';
import '../../styles/exhibitions.css';

/**
 * The sections come in a chunk of their own with the Markdown renderer (most of the story's script),
 * so the cover and title — a phone's largest paint — are drawn from this chunk alone.
 */
const StorySections = lazy(() => import('../../components/exhibitions/StorySections').then((m) => ({ default: m.StorySections })));

/** The deep-zoom frame of a section's (or the cover's) picture, or null when it has none the reader may see. */
function frameOf(media: ExhibitionMedia | null, alt: string): StoryFrame | null {
  const image = media?.work?.image;
  if (!media?.work || !image || (!image.iiifService && !image.displayUrl)) return null;
  return {
    imageKey: `${media.work.id}/${image.sha256}`,
    service: image.iiifService,
    display: image.displayUrl,
    size: image.width && image.height ? { width: image.width, height: image.height } : null,
    region: media.region,
    alt,
  };
}

/** An online exhibition as visitors read it: cover, then the sections beside a sticky deep-zoom picture. */
export function ExhibitionPage() {
  const { slug = '' } = useParams();
  const result = useApi(() => api.exhibition(slug), slug);
  if (result.error instanceof ApiError && result.error.status === 404) return <NotFoundPage />;
  if (result.error) return <ErrorMessage error={result.error} onRetry={result.reload} />;
  if (!result.data) return <Loading />;
  return <Story exhibition={result.data} />;
}

function Story({ exhibition }: { exhibition: Exhibition }) {
  const i18n = useI18n();
  const { t, pickEntry, lang } = i18n;
  const { pathname, hash } = useLocation();
  const absolute = useAbsoluteUrl();
  const wide = useMediaQuery(WIDE_STORY);
  const reducedMotion = useMediaQuery(REDUCED_MOTION);
  const [printing, setPrinting] = useState(false);
  const title = pickEntry(exhibition.title);
  const subtitle = pickEntry(exhibition.subtitle);
  const summary = pickEntry(exhibition.summary);
  usePageTitle(title?.[1] ?? exhibition.slug);

  const sections = exhibition.sections;
  const order = useMemo(() => sections.map((s) => s.id), [sections]);
  const labels = useMemo(() => sections.map((s, i) => pickEntry(s.heading)?.[1] ?? t('exhibitions.sectionNumber', { number: i + 1 })), [sections, pickEntry, t]);
  const [active, setActive] = useState<string | null>(null);
  const elements = useRef(new Map<string, HTMLElement>());
  const register = useCallback((id: string, element: HTMLElement | null) => {
    if (element) elements.current.set(id, element);
    else elements.current.delete(id);
  }, []);
  // Whether the lazily loaded sections are in the document: the observers below start again then.
  const [sectionsShown, setSectionsShown] = useState(false);
  const onSectionsShown = useCallback(() => setSectionsShown(true), []);
  const pageUrl = absolute(pathname);

  // The section crossing the reading line is the current one; the picture follows it.
  useEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return;
    let crossing = new Set<string>();
    const observer = new IntersectionObserver(
      (entries) => {
        crossing = applyIntersections(
          crossing,
          entries.map((e) => ({ id: (e.target as HTMLElement).dataset.section ?? '', isIntersecting: e.isIntersecting })),
        );
        setActive((previous) => activeSection(order, crossing, previous));
      },
      { rootMargin: READING_LINE_MARGIN },
    );
    for (const id of order) {
      const element = elements.current.get(id);
      if (element) observer.observe(element);
    }
    return () => observer.disconnect();
  }, [order, sectionsShown]);

  // A shared link to a section (`#id`): go there once the story is drawn, and start from it.
  useEffect(() => {
    const id = decodeURIComponent(hash.slice(1));
    const element = id ? elements.current.get(id) : undefined;
    if (element) element.scrollIntoView({ block: 'start' });
    const positions = order.flatMap((sid) => {
      const box = elements.current.get(sid)?.getBoundingClientRect();
      return box ? [{ id: sid, top: box.top, bottom: box.bottom }] : [];
    });
    setActive(sectionAtLine(positions, window.innerHeight));
  }, [hash, order, sectionsShown]);

  // The section pictures wait for the cover (or 4 s), so a slow phone fetches the largest paint first.
  const [coverDone, markCoverDone] = useMainImageDone();

  // Print every picture, not only those the reader scrolled near (lazy ones would print empty).
  useEffect(() => {
    const before = () => setPrinting(true);
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  // Only what the pane can show counts: a section that plays audio or video leaves the pane as it was.
  const pictures = useMemo(() => sections.map((s) => frameOf(s.media, '') !== null), [sections]);
  const shownIndex = pictureSection(order, pictures, active);
  const shownMedia = shownIndex === null ? exhibition.cover : (sections[shownIndex]?.media ?? null);
  const shownCaption = pickEntry(shownMedia?.caption) ?? pickEntry(shownMedia?.work?.title);
  const frame = frameOf(shownMedia, shownCaption?.[1] ?? title?.[1] ?? '');
  const progress = progressOf(order, active);
  const coverImage = exhibition.cover?.work?.image ?? null;
  const coverAlt = pickEntry(exhibition.cover?.caption)?.[1] ?? pickEntry(exhibition.cover?.work?.title)?.[1] ?? '';
  const date = exhibition.publishAt ?? exhibition.updatedAt;
  const picturesMayLoad = coverDone || !coverImage || printing;
  // The sections' script waits with their pictures, so a slow phone spends its bandwidth and CPU on
  // the cover first; once asked for, they stay (the gate closes again after printing).
  const [sectionsWanted, setSectionsWanted] = useState(false);
  if (picturesMayLoad && !sectionsWanted) setSectionsWanted(true);

  return (
    <article className="story" aria-labelledby="story-title">
      <header className={`story-hero${coverImage ? '' : ' story-hero-plain'}`}>
        {coverImage && exhibition.cover && (
          <RegionImage image={coverImage} region={exhibition.cover.region} alt={coverAlt} sizes={COVER_IMAGE_SIZES} eager className="story-hero-image" onDone={markCoverDone} />
        )}
        <div className="story-hero-text">
          {exhibition.status === 'draft' && <p className="badge exhibition-badge">{t('exhibitions.badge.draft')}</p>}
          <h1 id="story-title" lang={title ? htmlLang(title[0]) : undefined}>
            {title?.[1] ?? exhibition.slug}
          </h1>
          {subtitle && (
            <p className="story-subtitle" lang={htmlLang(subtitle[0])}>
              {subtitle[1]}
            </p>
          )}
          {summary && (
            <p className="story-summary" lang={htmlLang(summary[0])}>
              {summary[1]}
            </p>
          )}
          <p className="story-date">
            <time dateTime={date}>{formatDay(date, lang)}</time>
          </p>
        </div>
      </header>
      <ImageGate value={picturesMayLoad}>

        <div className="story-toolbar no-print">
          <CopyLinkButton url={pageUrl} label={t('exhibitions.share.page')} icon={<LinkIcon />} />
          <button type="button" className="button" onClick={() => window.print()}>
            <PrintIcon />
            <span>{t('exhibitions.print')}</span>
          </button>
          {exhibition.canEdit && (
            <Link className="button" to={`${pathname.replace(/\/+$/, '')}/edit`}>
              <EditIcon />
              <span>{t('exhibitions.edit')}</span>
            </Link>
          )}
          <IiifManifestLink manifest={exhibition.manifest} />
        </div>

        {exhibition.canEdit && exhibition.problems.length > 0 && <StoryProblems problems={exhibition.problems} labels={new Map(order.map((id, i) => [id, labels[i]!]))} />}

        {sections.length === 0 ? (
          <p className="story-empty">{t('exhibitions.noSections')}</p>
        ) : (
          <>
            <nav className="story-toc no-print" aria-label={t('exhibitions.toc')}>
              <ol>
                {sections.map((section, i) => (
                  <li key={section.id}>
                    <a href={`#${encodeURIComponent(section.id)}`} aria-current={section.id === active ? 'location' : undefined} lang={pickEntry(section.heading) ? htmlLang(pickEntry(section.heading)![0]) : undefined}>
                      {labels[i]}
                    </a>
                  </li>
                ))}
              </ol>
            </nav>
            <div className="story-body">
              <div className="story-text">
                {sectionsWanted && (
                  <Suspense fallback={null}>
                    <StorySections sections={sections} labels={labels} active={active} pageUrl={pageUrl} eager={printing} register={register} onShown={onSectionsShown} />
                  </Suspense>
                )}
              </div>
              {wide && (
                <aside className="story-stage no-print" aria-label={t('exhibitions.stage')}>
                  <div className="story-stage-inner">
                    <div className="story-progress">
                      <span className="story-progress-track" aria-hidden="true">
                        <span className="story-progress-bar" style={{ transform: `scaleX(${progress.fraction})` }} />
                      </span>
                      <span className="story-progress-text">{t('exhibitions.progress', { index: progress.index, count: progress.count })}</span>
                    </div>
                    <StoryViewer frame={frame} reducedMotion={reducedMotion} />
                    {shownCaption && frame && (
                      <p className="story-stage-caption" lang={htmlLang(shownCaption[0])}>
                        {shownCaption[1]}
                      </p>
                    )}
                  </div>
                </aside>
              )}
            </div>
          </>
        )}
      </ImageGate>
    </article>
  );
}
