import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { ExhibitionSummary } from '../../types';
import { RegionImage } from './RegionImage';

/** The reader's path of an exhibition. */
export const exhibitionPath = (slug: string) => `/exhibitions/${encodeURIComponent(slug)}`;

/** Whether a published exhibition is still waiting for its publish time (staff see it before visitors do). */
export function isScheduled(summary: Pick<ExhibitionSummary, 'status' | 'publishAt'>, now: number): boolean {
  return summary.status === 'published' && summary.publishAt !== null && Date.parse(summary.publishAt) > now;
}

/** A day as the reader's language writes it ("1 March 2025", "2025年3月1日"). */
export function formatDay(iso: string, lang: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(date);
}

/** One exhibition in the list: its cover, title, subtitle and date; drafts and scheduled ones marked for staff. */
export function ExhibitionCard({ exhibition, now, headingLevel = 2 }: { exhibition: ExhibitionSummary; now: number; headingLevel?: 2 | 3 }) {
  const { t, pickEntry, lang } = useI18n();
  const title = pickEntry(exhibition.title);
  const subtitle = pickEntry(exhibition.subtitle);
  const image = exhibition.cover?.work?.image ?? null;
  const Heading = `h${headingLevel}` as 'h2';
  const date = exhibition.publishAt ?? exhibition.updatedAt;
  return (
    <article className="exhibition-card" data-testid="exhibition-card">
      <div className="exhibition-card-media">
        {image ? <RegionImage image={image} region={exhibition.cover?.region ?? null} alt="" sizes="(max-width: 720px) 66vw, 400px" /> : <div className="exhibition-card-noimage" aria-hidden="true" />}
        {exhibition.status === 'draft' && <span className="badge exhibition-badge">{t('exhibitions.badge.draft')}</span>}
        {isScheduled(exhibition, now) && <span className="badge exhibition-badge">{t('exhibitions.badge.scheduled')}</span>}
      </div>
      <div className="exhibition-card-body">
        <Heading className="exhibition-card-title">
          <Link to={exhibitionPath(exhibition.slug)} className="stretched-link" lang={title ? htmlLang(title[0]) : undefined}>
            {title?.[1] ?? exhibition.slug}
          </Link>
        </Heading>
        {subtitle && (
          <p className="exhibition-card-subtitle" lang={htmlLang(subtitle[0])}>
            {subtitle[1]}
          </p>
        )}
        <p className="exhibition-card-meta">
          <time dateTime={date}>{formatDay(date, lang)}</time>
          {' · '}
          {t('exhibitions.sectionCount', { count: exhibition.sectionCount })}
        </p>
      </div>
    </article>
  );
}
