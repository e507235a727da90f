import { useState } from 'react';
import { Link } from 'react-router';
import { workDateText } from '../format';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import { knownLabel } from '../labels';
import { placeholderUrl } from '../placeholder';
import type { WorkSummary } from '../types';

/** One work in the catalogue grid: thumbnail over its ThumbHash, title, creators, date. */
export function WorkCard({ work, query }: { work: WorkSummary; /** The catalogue search, carried to the work page so it can show a matching seal or inscription. */ query?: string | undefined }) {
  const i18n = useI18n();
  const { t, pick, pickEntry, formatList } = i18n;
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const title = pickEntry(work.title);
  const titleText = title?.[1] ?? work.id;
  const creators = formatList(work.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
  const date = workDateText(work.date, i18n);
  const placeholder = placeholderUrl(work.placeholder);
  const thumb = work.thumbnail;

  return (
    <article className="work-card" data-testid="work-card">
      <div className="work-card-media" style={placeholder && !loaded ? { backgroundImage: `url("${placeholder}")` } : undefined}>
        {thumb && !failed ? (
          <img
            src={thumb.url}
            alt={titleText}
            width={thumb.width}
            height={thumb.height}
            loading="lazy"
            decoding="async"
            onLoad={() => setLoaded(true)}
            onError={() => setFailed(true)}
          />
        ) : (
          !placeholder && (
            <span className="work-card-noimage">
              {work.workType === 'image' ? t('card.noImage') : knownLabel(i18n, 'workType', work.workType)}
            </span>
          )
        )}
        {work.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
      </div>
      <div className="work-card-body">
        <h2 className="work-card-title">
          <Link to={`/works/${encodeURIComponent(work.id)}${query ? `?q=${encodeURIComponent(query)}` : ''}`} className="stretched-link" lang={title ? htmlLang(title[0]) : undefined}>
            {titleText}
          </Link>
        </h2>
        {creators && <p className="work-card-creators">{creators}</p>}
        {date && <p className="work-card-date">{date}</p>}
      </div>
    </article>
  );
}
