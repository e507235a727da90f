import { forwardRef } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { ExhibitionSection } from '../../types';
import { CopyLinkButton } from './CopyLinkButton';
import { LinkIcon } from '../icons';
import { RegionImage } from './RegionImage';
import { LinkedWorkCard, workPath } from './LinkedWorkCard';
import { StoryMarkdown } from './StoryMarkdown';

interface Props {
  section: ExhibitionSection;
  number: number;
  /** The section's name in the table of contents (its heading, else "Section n"). */
  label: string;
  active: boolean;
  /** The absolute URL of the section (page URL + `#id`), for sharing. */
  shareUrl: string;
  /** Pictures load at once (printing) rather than as they come near. */
  eager: boolean;
}

/** The words that describe a section's picture: its caption, else the work's title, with their language. */
export function useMediaText(media: ExhibitionSection['media']): { alt: string; caption: [string, string] | null; title: [string, string] | null } {
  const { pickEntry } = useI18n();
  const caption = pickEntry(media?.caption);
  const title = pickEntry(media?.work?.title);
  return { alt: caption?.[1] ?? title?.[1] ?? '', caption, title };
}

/**
 * One section of the story: its picture (shown here on phones and in print; on wide screens the
 * sticky pane beside the text shows it deep-zoomed) or its audio or video (played here on every
 * screen; printed as the work's address), heading, text in the reader's language, the caption with
 * a link to the work, and the works it points to.
 */
export const StorySection = forwardRef<HTMLElement, Props>(function StorySection({ section, number, label, active, shareUrl, eager }, ref) {
  const { t, pickEntry } = useI18n();
  const heading = pickEntry(section.heading);
  const body = pickEntry(section.body);
  const media = section.media;
  const image = media?.work?.image ?? null;
  // Audio or video the reader may play: played here, beside the text, on every screen (the zoom pane is for pictures).
  const player = media?.work?.media ?? null;
  const { alt, caption, title } = useMediaText(media);
  const headingId = `${section.id}-heading`;
  return (
    <section id={section.id} ref={ref} className={`story-section${active ? ' is-active' : ''}`} aria-labelledby={headingId} data-section={section.id}>
      {player ? (
        <figure className="story-section-player no-print">
          {player.kind === 'video' ? <video controls preload="metadata" src={player.url} aria-label={alt} /> : <audio controls preload="metadata" src={player.url} aria-label={alt} />}
        </figure>
      ) : (
        media?.work &&
        image && (
          <figure className="story-section-figure">
            <RegionImage image={image} region={media.region} alt={alt} sizes="(max-width: 720px) 66vw, 60vw" eager={eager} />
          </figure>
        )
      )}
      <div className="story-section-head">
        <h2 id={headingId} lang={heading ? htmlLang(heading[0]) : undefined} className={heading ? undefined : 'visually-hidden'}>
          {heading?.[1] ?? label}
        </h2>
        <CopyLinkButton url={shareUrl} label={t('exhibitions.share.section', { number })} icon={<LinkIcon />} className="icon-button story-anchor no-print" iconOnly />
      </div>
      {body && <StoryMarkdown source={body[1]} lang={htmlLang(body[0])} headingLevel={2} />}
      {media?.work && (
        <p className="story-caption">
          {caption && (
            <span lang={htmlLang(caption[0])} className="story-caption-text">
              {caption[1]}
            </span>
          )}
          <Link to={workPath(media.work.id)} className="story-caption-link">
            {caption ? t('exhibitions.viewWork') : <span lang={title ? htmlLang(title[0]) : undefined}>{title?.[1] ?? media.work.id}</span>}
          </Link>
          {/* On paper the recording cannot play: its page's address is printed instead. */}
          {player && <span className="story-print-url">{new URL(workPath(media.work.id), shareUrl).href}</span>}
        </p>
      )}
      {section.links.length > 0 && (
        <div className="story-links">
          <h3 className="story-links-heading">{t('exhibitions.linkedWorks')}</h3>
          <ul className="showcase-work-list">
            {section.links.map((work) => (
              <LinkedWorkCard key={work.id} work={work} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
});
