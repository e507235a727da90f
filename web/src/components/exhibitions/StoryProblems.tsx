import { useI18n } from '../../i18n';
import type { ExhibitionProblem } from '../../types';

const REASON_KEYS = {
  private: 'exhibitions.problems.private',
  missing: 'exhibitions.problems.missing',
  'no-file': 'exhibitions.problems.no-file',
  'region-outside': 'exhibitions.problems.region-outside',
} as const;

/** What staff must fix before visitors see the whole story (works made private, deleted, …); visitors never get these. */
export function StoryProblems({ problems, labels }: { problems: readonly ExhibitionProblem[]; labels: ReadonlyMap<string, string> }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-warning story-problems no-print" role="region" aria-label={t('exhibitions.problems.title')}>
      <p>{t('exhibitions.problems.title')}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {t(REASON_KEYS[p.reason], { place: p.sectionId === null ? t('exhibitions.cover') : (labels.get(p.sectionId) ?? p.sectionId), workId: p.workId })}
          </li>
        ))}
      </ul>
    </div>
  );
}
