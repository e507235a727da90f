import { useMemo, useState, type CSSProperties } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { catalogueSearchHref } from '../catalogue-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n, type I18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import { bandSegments, countShade, dynastyTree, type DynastyNode } from '../timeline-layout';
import type { DynastyCount, ReignCount } from '../types';
import { useApi } from '../use-api';
import '../styles/browse.css';

/** A label with a Chinese and an English name, said in the reader's language, with the other beside it. */
function names(item: { zh: string; en: string }, lang: string) {
  return lang === 'en' ? { main: item.en, mainLang: 'en', other: item.zh, otherLang: 'zh-Hans' } : { main: item.zh, mainLang: 'zh-Hans', other: item.en, otherLang: 'en' };
}

/** "1368–1644", "1949–" for a period still going. */
function years(item: { earliest: number; latest: number }, presentYear: number, i18n: Pick<I18n, 'formatYear' | 't'>): string {
  return item.latest > presentYear ? i18n.t('browse.time.since', { year: i18n.formatYear(item.earliest) }) : i18n.t('browse.time.years', { from: i18n.formatYear(item.earliest), to: i18n.formatYear(item.latest) });
}

/** The catalogue's works of a dynasty and its parts (repeating `period` ORs the values). */
const periodHref = (keys: string[]) => `/works?${keys.map((k) => `period=${encodeURIComponent(k)}`).join('&')}`;
const reignHref = (key: string, reign: ReignCount) => catalogueSearchHref({ period: key, yearFrom: String(reign.earliest), yearTo: String(reign.latest) });

/**
 * Browsing by time: the dynasties in order as a band (wide screens; widths by years, tinted by
 * works), and underneath the same as a list a screen reader or a phone reads, with each dynasty's
 * parts and reign periods. Every count links to the catalogue listing exactly those works.
 */
export function BrowseTimelinePage() {
  const i18n = useI18n();
  const { t, lang, formatNumber } = i18n;
  const { user } = useSession();
  // Signing in changes the counts (private works the reader may see).
  const result = useApi(() => api.timeline(), user?.id ?? '');
  const [presentYear] = useState(() => new Date().getFullYear());
  usePageTitle(t('browse.time.title'));

  const tree = useMemo(() => (result.data ? dynastyTree(result.data.dynasties) : []), [result.data]);
  const segments = useMemo(() => bandSegments(tree.map((n) => n.dynasty), { presentYear, minShare: 0.035 }), [tree, presentYear]);
  const maxTotal = Math.max(0, ...tree.map((n) => n.total));

  return (
    <div className="browse-page">
      <h1>{t('browse.time.title')}</h1>
      <p className="browse-intro">{t('browse.time.intro')}</p>
      {result.error ? (
        <ErrorMessage error={result.error} onRetry={result.reload} />
      ) : !result.data ? (
        <Loading />
      ) : (
        <>
          {/* The band repeats the list below for the eye; readers and keyboards use the list. */}
          <ol className="timeline-band" aria-hidden="true">
            {tree.map((node, i) => {
              const label = names(node.dynasty, lang);
              const style = { flexBasis: `${segments[i]!.widthPercent}%`, '--shade': countShade(node.total, maxTotal) } as CSSProperties;
              const body = (
                <>
                  <span className="timeline-segment-name" lang={label.mainLang}>
                    {label.main}
                  </span>
                  <span className="timeline-segment-count">{formatNumber(node.total)}</span>
                </>
              );
              return (
                <li key={node.dynasty.key} className={node.total > 0 ? 'timeline-segment' : 'timeline-segment timeline-segment-empty'} style={style} title={`${label.main} · ${years(node.dynasty, presentYear, i18n)} · ${t('browse.count', { count: node.total })}`}>
                  {node.total > 0 ? (
                    <Link to={periodHref(node.keys)} tabIndex={-1}>
                      {body}
                    </Link>
                  ) : (
                    <span>{body}</span>
                  )}
                </li>
              );
            })}
          </ol>

          <h2 className="visually-hidden">{t('browse.time.listHeading')}</h2>
          <ol className="timeline-list">
            {tree.map((node) => (
              <DynastyItem key={node.dynasty.key} node={node} presentYear={presentYear} />
            ))}
          </ol>

          <dl className="timeline-other">
            <div>
              <dt>{t('browse.time.otherDated')}</dt>
              <dd>{t('browse.count', { count: result.data.otherDated })}</dd>
            </div>
            <div>
              <dt>{t('browse.time.undated')}</dt>
              <dd>{t('browse.count', { count: result.data.undated })}</dd>
            </div>
          </dl>
        </>
      )}
    </div>
  );
}

/** One dynasty in the list: its names, years and works, its parts, and its reign periods to unfold. */
function DynastyItem({ node, presentYear }: { node: DynastyNode<DynastyCount>; presentYear: number }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const d = node.dynasty;
  const label = names(d, lang);
  return (
    <li className="timeline-item">
      <div className="timeline-item-head">
        <span className="timeline-item-name">
          <span lang={label.mainLang}>{label.main}</span> <span className="timeline-item-other" lang={label.otherLang}>{label.other}</span>
        </span>
        <span className="timeline-item-years">{years(d, presentYear, i18n)}</span>
        <CountLink count={d.count} href={periodHref([d.key])} name={label.main} />
        {node.parts.length > 0 && node.total > d.count && (
          <span className="timeline-item-total">
            <CountLink count={node.total} href={periodHref(node.keys)} name={label.main} total />
          </span>
        )}
      </div>
      {d.reigns.length > 0 && (
        <details className="timeline-reigns">
          <summary>{t('browse.time.reigns', { count: d.reigns.length })}</summary>
          <ul>
            {d.reigns.map((reign) => {
              const r = names(reign, lang);
              return (
                <li key={`${reign.zh}-${reign.earliest}`}>
                  <span lang={r.mainLang}>{r.main}</span> <span className="timeline-item-other" lang={r.otherLang}>{r.other}</span>
                  <span className="timeline-item-years">{years(reign, presentYear, i18n)}</span>
                  <CountLink count={reign.count} href={reignHref(d.key, reign)} name={r.main} />
                </li>
              );
            })}
          </ul>
        </details>
      )}
      {node.parts.length > 0 && (
        <ol className="timeline-parts">
          {node.parts.map((part) => (
            <DynastyItem key={part.dynasty.key} node={part} presentYear={presentYear} />
          ))}
        </ol>
      )}
    </li>
  );
}

/** "12 works" linking to them; no link for none (an empty catalogue page helps nobody). */
function CountLink({ count, href, name, total = false }: { count: number; href: string; name: string; total?: boolean }) {
  const { t } = useI18n();
  const text = total ? t('browse.time.withParts', { count }) : t('browse.count', { count });
  if (count === 0) return <span className="browse-count-none">{text}</span>;
  return (
    <Link className="browse-count-link" to={href} aria-label={t('browse.worksOf', { name, label: text })}>
      {text}
    </Link>
  );
}
