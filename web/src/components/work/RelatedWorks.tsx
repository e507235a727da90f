import { useId } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { catalogueHref } from '../../catalogue-query';
import { useI18n } from '../../i18n';
import { periodLabel } from '../../labels';
import type { Vocabulary, WorkSummary } from '../../types';
import { useApi } from '../../use-api';
import { WorkCard } from '../WorkCard';

function Row({ heading, works, more }: { heading: string; works: WorkSummary[]; more?: { href: string; label: string } | undefined }) {
  const id = useId();
  if (works.length === 0) return null;
  return (
    <section className="related-row" aria-labelledby={id}>
      <div className="related-row-head">
        {/* h2 like the cards' titles (WorkCard): the rows are the page's last sections. */}
        <h2 id={id}>{heading}</h2>
        {more && <Link to={more.href}>{more.label}</Link>}
      </div>
      <ul className="related-cards">
        {works.map((work) => (
          <li key={work.id}>
            <WorkCard work={work} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Rows of other works under the page: by the same creator, of the same period, and alike. Quietly
 * absent while loading, on error, or when there is nothing to show: it is an invitation, not content.
 */
export function RelatedWorks({ workId, vocabulary, userKey }: { workId: string; vocabulary: Vocabulary | null; /** Changes with who is signed in (they may see more works). */ userKey: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const related = useApi(() => api.related(workId), `${workId}:${userKey}`);
  const data = related.data;
  if (!data || data.sameCreator.length + data.samePeriod.length + data.moreLikeThis.length === 0) return null;
  const period = data.period;
  return (
    <section className="related-works no-print" aria-label={t('work.related.heading')} data-testid="related-works">
      <Row heading={t('work.related.sameCreator')} works={data.sameCreator} />
      <Row
        heading={period ? t('work.related.samePeriodNamed', { period: periodLabel(period, vocabulary, i18n) }) : t('work.related.samePeriod')}
        works={data.samePeriod}
        more={period ? { href: catalogueHref(new URLSearchParams(), { period }), label: t('work.related.seeAll') } : undefined}
      />
      <Row heading={t('work.related.moreLikeThis')} works={data.moreLikeThis} />
    </section>
  );
}
