import { Link } from 'react-router';
import { workDateText } from '../../format';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { placeholderUrl } from '../../placeholder';
import type { ShowcaseWork } from '../../types';

/** The work page of a work. */
export const workPath = (id: string) => `/works/${encodeURIComponent(id)}`;

/** A linked work as a small card: thumbnail, title, creators and date, the whole card a link to its page. */
export function LinkedWorkCard({ work }: { work: ShowcaseWork }) {
  const i18n = useI18n();
  const { pick, pickEntry, formatList } = i18n;
  const title = pickEntry(work.title);
  const thumb = work.image?.thumbnail ?? null;
  const placeholder = placeholderUrl(work.image?.placeholder);
  const creators = formatList(work.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
  const date = workDateText(work.date, i18n);
  return (
    <li className="showcase-work-card">
      <div className="showcase-work-thumb" style={placeholder ? { backgroundImage: `url("${placeholder}")` } : undefined}>
        {thumb && <img src={thumb.url} alt="" width={thumb.width} height={thumb.height} loading="lazy" decoding="async" />}
      </div>
      <div className="showcase-work-text">
        <Link to={workPath(work.id)} className="stretched-link" lang={title ? htmlLang(title[0]) : undefined}>
          {title?.[1] ?? work.id}
        </Link>
        {(creators || date) && <span className="showcase-work-meta">{[creators, date].filter(Boolean).join(' · ')}</span>}
      </div>
    </li>
  );
}
