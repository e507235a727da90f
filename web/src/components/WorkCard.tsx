import { useState } from 'react';
import { Link } from 'react-router';
import { workDateText } from '../format';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import { knownLabel } from '../labels';
import { placeholderUrl } from '../placeholder';
import type { WorkSummary } from '../types';
import { WorkSnippet } from './WorkSnippet';

export interface WorkCardProps {
  work: WorkSummary;
  /** The catalogue search, carried to the work page so it can show a matching seal or inscription. */
  query?: string | undefined;
  /** `grid`: a box of the justified grid; `list`: a thumbnail beside lines of metadata. */
  layout?: 'grid' | 'list';
  /** In the grid, the image area's size in CSS pixels, reserved before the image loads (justified-rows.ts). */
  box?: { width: number; height: number } | undefined;
  /** Bulk selection (components/bulk): a checkbox over the card, for staff acting on many works at once. */
  selectable?: boolean;
  selected?: boolean;
  onSelectedChange?(selected: boolean): void;
}

/** The list view's thumbnail edge in CSS pixels; the image keeps its aspect ratio inside it. */
const LIST_THUMB = 96;

/**
 * One work in the catalogue: in the grid an image box of the size the row gives it (over its
 * ThumbHash until the image arrives) with a one-line caption, or, for a record without an image, a
 * typographic card of the same size; in the list a thumbnail with title, creators, date and type.
 */
export function WorkCard({ work, query, layout = 'grid', box, selectable = false, selected = false, onSelectedChange }: WorkCardProps) {
  const i18n = useI18n();
  const { t, pickEntry, formatList } = i18n;
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const title = pickEntry(work.title);
  const titleText = title?.[1] ?? work.id;
  const titleLang = title ? htmlLang(title[0]) : undefined;
  const date = workDateText(work.date, i18n);
  const placeholder = placeholderUrl(work.placeholder);
  const thumb = work.thumbnail && !failed ? work.thumbnail : null;
  const type = knownLabel(i18n, 'workType', work.workType);
  // A record (no image, or one that failed) is set in type; a ThumbHash alone still says "an image is coming".
  const record = !thumb;
  const href = `/works/${encodeURIComponent(work.id)}${query ? `?q=${encodeURIComponent(query)}` : ''}`;
  const separator = formatList(['', '']);
  // Where a search matched; a match in the title as shown needs no second telling.
  const snippet = work.snippet && !(work.snippet.field === 'title' && work.snippet.lang === title?.[0]) ? <WorkSnippet snippet={work.snippet} /> : null;

  // Each creator's name carries its own language, so an English name in a Chinese page is set in a Latin font.
  const creators = work.creators
    .map((c) => pickEntry(c.name))
    .filter((e): e is [string, string] => e !== null)
    .map(([lang, name], i) => (
      <span key={i}>
        {i > 0 && separator}
        <span lang={htmlLang(lang)}>{name}</span>
      </span>
    ));

  const heading = (
    <h2 className="work-card-title">
      <Link to={href} className="stretched-link" lang={titleLang}>
        {titleText}
      </Link>
    </h2>
  );

  const image = thumb && (
    <img
      src={thumb.url}
      alt={titleText}
      lang={titleLang}
      width={layout === 'list' ? listSize(thumb.width, thumb.height).width : (box?.width ?? thumb.width)}
      height={layout === 'list' ? listSize(thumb.width, thumb.height).height : (box?.height ?? thumb.height)}
      loading="lazy"
      decoding="async"
      onLoad={() => setLoaded(true)}
      onError={() => setFailed(true)}
    />
  );
  const placeholderStyle = placeholder && !loaded ? { backgroundImage: `url("${placeholder}")` } : {};

  const overlays = (
    <>
      {work.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
      {selectable && (
        <label className="work-card-select">
          <input type="checkbox" checked={selected} onChange={(e) => onSelectedChange?.(e.target.checked)} data-testid="work-card-select" />
          <span className="visually-hidden">{t('card.select', { title: titleText })}</span>
        </label>
      )}
    </>
  );
  const className = `work-card work-card-${layout}${record ? ' is-record' : ''}${selected ? ' is-selected' : ''}`;

  if (layout === 'list') {
    const size = thumb ? listSize(thumb.width, thumb.height) : null;
    return (
      <article className={className} data-testid="work-card">
        <div className="work-card-thumb" aria-hidden={record || undefined}>
          {thumb ? (
            <span className="work-card-thumb-frame" style={{ width: size!.width, height: size!.height, ...placeholderStyle }}>
              {image}
            </span>
          ) : (
            <span className="work-card-thumb-record" lang={titleLang}>
              {titleText.slice(0, 1)}
            </span>
          )}
        </div>
        <div className="work-card-body">
          {heading}
          {creators.length > 0 && <p className="work-card-creators">{creators}</p>}
          {snippet}
          <p className="work-card-meta">
            {date && <span>{date}</span>}
            <span>{type}</span>
          </p>
        </div>
        {overlays}
      </article>
    );
  }

  const style = box ? { width: box.width, '--media-h': `${box.height}px` } : undefined;
  if (record) {
    return (
      <article className={className} style={style} data-testid="work-card">
        <div className="work-card-record" style={placeholderStyle}>
          {heading}
          {creators.length > 0 && <p className="work-card-creators">{creators}</p>}
          {date && <p className="work-card-date">{date}</p>}
          {snippet}
          <p className="work-card-type">{type}</p>
        </div>
        {overlays}
      </article>
    );
  }
  return (
    <article className={className} style={style} data-testid="work-card">
      <div className="work-card-media" style={placeholderStyle}>
        {image}
      </div>
      <div className="work-card-body">
        {heading}
        {(creators.length > 0 || date) && (
          <p className="work-card-creators">
            {creators}
            {creators.length > 0 && date && <span aria-hidden="true"> · </span>}
            {date && <span className="work-card-date">{date}</span>}
          </p>
        )}
        {snippet}
      </div>
      {overlays}
    </article>
  );
}

/** The list thumbnail's size: the image's aspect ratio within a LIST_THUMB square. */
function listSize(width: number, height: number): { width: number; height: number } {
  if (!width || !height) return { width: LIST_THUMB, height: LIST_THUMB };
  return width >= height ? { width: LIST_THUMB, height: Math.max(1, Math.round((LIST_THUMB * height) / width)) } : { width: Math.max(1, Math.round((LIST_THUMB * width) / height)), height: LIST_THUMB };
}
