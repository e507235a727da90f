import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { ChevronLeftIcon, ChevronRightIcon } from './icons';

interface Props {
  page: number;
  pages: number;
  hrefFor: (page: number) => string;
}

/**
 * Page numbers around the current one, with first, last, previous and next; as links so history works
 * (a new page starts at the top, back and forward return to where the reader was).
 */
export function Pagination({ page, pages, hrefFor }: Props) {
  const { t, formatNumber } = useI18n();
  if (pages <= 1) return null;
  const numbers = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: (number | 'gap')[] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n - numbers[i - 1]! > 1) items.push('gap');
    items.push(n);
  });

  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      <p className="visually-hidden">{t('pagination.status', { page, pages })}</p>
      <ul>
        <li>
          {page > 1 ? (
            <Link to={hrefFor(page - 1)} rel="prev">
              <ChevronLeftIcon size="1.1em" /> {t('pagination.prev')}
            </Link>
          ) : (
            <span className="is-disabled" aria-disabled="true">
              <ChevronLeftIcon size="1.1em" /> {t('pagination.prev')}
            </span>
          )}
        </li>
        {items.map((item, i) =>
          item === 'gap' ? (
            <li key={`gap-${i}`} aria-hidden="true" className="gap">
              …
            </li>
          ) : (
            <li key={item}>
              <Link to={hrefFor(item)} aria-current={item === page ? 'page' : undefined} aria-label={t('pagination.page', { page: item })}>
                {formatNumber(item)}
              </Link>
            </li>
          ),
        )}
        <li>
          {page < pages ? (
            <Link to={hrefFor(page + 1)} rel="next">
              {t('pagination.next')} <ChevronRightIcon size="1.1em" />
            </Link>
          ) : (
            <span className="is-disabled" aria-disabled="true">
              {t('pagination.next')} <ChevronRightIcon size="1.1em" />
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
