import { useEffect, useId, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api';
import { rememberCatalogueHref } from '../catalogue-return';
import { activeFilterCount, apiQueryString, catalogueHref, catalogueSearchHref, readCatalogueState, toggleFacetHref, toggleRightsUseHref, type CatalogueView } from '../catalogue-query';
import { BulkActionBar } from '../components/bulk/BulkActionBar';
import { useBulkSelection } from '../components/bulk/useBulkSelection';
import { ErrorMessage } from '../components/ErrorMessage';
import { FacetPanel } from '../components/FacetPanel';
import { CloseIcon, GridIcon, ListIcon } from '../components/icons';
import { Loading } from '../components/Loading';
import { Pagination } from '../components/Pagination';
import { WorkResults } from '../components/WorkResults';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { facetValueLabel } from '../labels';
import { useSession } from '../session';
import { FACET_NAMES, type Collection, type FacetName } from '../types';
import { useApi } from '../use-api';
import { useVocabulary } from '../vocabulary';

const SORTS = ['relevance', 'title', 'date', 'newest'] as const;
const VIEWS: { view: CatalogueView; Icon: typeof GridIcon }[] = [
  { view: 'grid', Icon: GridIcon },
  { view: 'list', Icon: ListIcon },
];

/** Browse and search: results as a justified grid or a list, facets, year range, sort and pages, all kept in the URL. */
export function CataloguePage() {
  const i18n = useI18n();
  const { t, formatYear } = i18n;
  const [query] = useSearchParams();
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const state = readCatalogueState(query);
  const apiQuery = apiQueryString(query);
  const result = useApi(() => api.catalogue(apiQuery), apiQuery, true);
  const vocabulary = useVocabulary();
  const { user, hasRole } = useSession();
  const userId = user?.id ?? '';
  const [collections, setCollections] = useState<Collection[]>([]);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const panelId = useId();
  const sortId = useId();
  // Bulk actions are for those who may edit every work (the server checks again).
  const bulkStaff = hasRole('admin', 'curator');
  const [selecting, setSelecting] = useState(false);
  const pageIds = useMemo(() => result.data?.items.map((w) => w.id) ?? [], [result.data]);
  const selection = useBulkSelection(apiQuery, result.data?.total ?? 0, pageIds);
  const bulk = selecting && bulkStaff;

  useEffect(() => rememberCatalogueHref(pathname + search), [pathname, search]);
  // Signing in or out changes which collections may be listed (private ones are for staff and owners).
  useEffect(() => {
    api.collections().then((r) => setCollections(r.items), () => setCollections([]));
  }, [userId]);
  usePageTitle((state.q ? `${state.q} · ` : '') + t('catalogue.title'));

  const page = result.data;
  const pages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  const active = activeFilterCount(state);
  const sort = state.sort || (state.q ? 'relevance' : 'newest');
  // Filters, order, view and chips keep the reader where they are; a new page or a new search starts at the top.
  const refine = (href: string) => navigate(href, { preventScrollReset: true });
  const onToggle = (facet: FacetName, value: string) => refine(toggleFacetHref(query, facet, value));

  const chips: { key: string; label: string; href: string }[] = [];
  for (const facet of FACET_NAMES) {
    for (const value of state.facets[facet]) {
      chips.push({ key: `${facet}:${value}`, label: `${t(`facet.${facet}`)}: ${facetValueLabel(facet, value, vocabulary, i18n)}`, href: toggleFacetHref(query, facet, value) });
    }
  }
  if (state.yearFrom || state.yearTo) {
    const from = state.yearFrom ? formatYear(Number(state.yearFrom)) : '…';
    const to = state.yearTo ? formatYear(Number(state.yearTo)) : '…';
    chips.push({ key: 'years', label: `${t('years.legend')}: ${t('year.range', { from, to })}`, href: catalogueHref(query, { yearFrom: null, yearTo: null }) });
  }
  for (const use of state.rightsUse) chips.push({ key: `rights_use:${use}`, label: t(`rightsUse.${use}`), href: toggleRightsUseHref(query, use) });
  if (state.mine) chips.push({ key: 'mine', label: t('catalogue.mine'), href: catalogueHref(query, { mine: null }) });
  if (state.collection) {
    const c = collections.find((x) => x.id === state.collection);
    chips.push({ key: 'collection', label: `${t('catalogue.collection')}: ${(c && i18n.pick(c.name)) ?? state.collection}`, href: catalogueHref(query, { collection: null }) });
  }
  const clearAll = catalogueHref(new URLSearchParams({ ...(state.q ? { q: state.q } : {}), ...(state.view === 'list' ? { view: 'list' } : {}) }), {});

  return (
    <div className="catalogue">
      <h1 className="visually-hidden">{t('catalogue.title')}</h1>
      <button type="button" className="button filters-toggle" aria-expanded={filtersOpen} aria-controls={panelId} onClick={() => setFiltersOpen(!filtersOpen)}>
        {active > 0 ? t('catalogue.showFilters', { count: active }) : t('catalogue.filters')}
      </button>
      <FacetPanel id={panelId} open={filtersOpen} state={state} query={query} facets={page?.facets ?? {}} rightsUse={page?.rightsUse} vocabulary={vocabulary} collections={collections} onToggle={onToggle} />

      <section className="results" aria-labelledby={`${panelId}-count`} aria-busy={result.loading}>
        <div className="results-bar">
          <p id={`${panelId}-count`} className="result-count" data-testid="result-count" role="status">
            {page && (
              <>
                {page.approximate ? t('catalogue.resultsAbout', { count: page.total }) : t('catalogue.results', { count: page.total })}
                {state.q && <> {t('catalogue.resultsFor', { q: state.q })}</>}
                {sort === 'relevance' && page.sortedBy !== 'relevance' && <> {t('catalogue.tooBroadToRank')}</>}
                {page.approximate && <> {t('catalogue.countsEstimated')}</>}
              </>
            )}
          </p>
          <div className="results-controls">
            {bulkStaff && (
              <button
                type="button"
                className="button"
                aria-pressed={selecting}
                data-testid="bulk-select-toggle"
                onClick={() => {
                  if (selecting) selection.clear();
                  setSelecting(!selecting);
                }}
              >
                {t('bulk.selectToggle')}
              </button>
            )}
            <div className="field field-inline">
              <label htmlFor={sortId}>{t('catalogue.sort')}</label>
              <select id={sortId} value={sort} onChange={(e) => refine(catalogueHref(query, { sort: e.target.value }))}>
                {SORTS.filter((s) => s !== 'relevance' || state.q).map((s) => (
                  <option key={s} value={s}>
                    {t(`sort.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            {/* Links, not buttons: each view has its own URL (view=list), so it survives reloads and shared links. */}
            <ul className="view-toggle" aria-label={t('catalogue.view')}>
              {VIEWS.map(({ view, Icon }) => (
                <li key={view}>
                  <Link
                    to={catalogueHref(query, { view: view === 'list' ? 'list' : null }, true)}
                    preventScrollReset
                    aria-current={state.view === view ? 'true' : undefined}
                    data-testid={`view-${view}`}
                  >
                    <Icon />
                    <span className="visually-hidden">{t(`catalogue.view.${view}`)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        </div>

        {chips.length > 0 && (
          <ul className="chips" aria-label={t('catalogue.activeFilters')}>
            {chips.map((chip) => (
              <li key={chip.key}>
                <button type="button" className="chip" onClick={() => refine(chip.href)} aria-label={t('catalogue.removeFilter', { label: chip.label })}>
                  {chip.label} <CloseIcon size="1em" />
                </button>
              </li>
            ))}
            <li>
              <button type="button" className="link-button" onClick={() => refine(clearAll)}>
                {t('catalogue.clearAll')}
              </button>
            </li>
          </ul>
        )}

        {result.error ? <ErrorMessage error={result.error} onRetry={result.reload} /> : null}
        {!page && result.loading && <Loading />}
        {page && page.items.length === 0 && (
          <CatalogueEmpty q={state.q} filters={active} staff={hasRole('admin', 'curator', 'creator')} clearAll={() => refine(clearAll)} />
        )}
        {page && page.items.length > 0 && <WorkResults works={page.items} view={state.view} query={state.q || undefined} stale={result.loading} selection={bulk ? selection : undefined} />}
        {page && <Pagination page={page.page} pages={pages} hrefFor={(n) => catalogueHref(query, { page: String(n) }, true)} />}
        {bulk && <BulkActionBar selection={selection} total={page?.total ?? 0} collections={collections} onFinished={result.reload} />}
      </section>
    </div>
  );
}

/**
 * What to do when nothing is shown: an archive with no works yet (staff are led to the upload page),
 * a search that found nothing (try other words, or browse everything), or filters that exclude everything
 * (the active filters are the chips above, each removable; or clear them all).
 */
function CatalogueEmpty({ q, filters, staff, clearAll }: { q: string; filters: number; staff: boolean; clearAll: () => void }) {
  const { t } = useI18n();
  if (!q && filters === 0) {
    return (
      <div className="empty-state" data-testid="catalogue-empty">
        {/* Nothing asked and nothing found: the archive shows nothing yet, which is not a search problem. */}
        <h2>{staff ? t('catalogue.nothingYet.staffTitle') : t('catalogue.nothingPublic.title')}</h2>
        <p>{t(staff ? 'catalogue.nothingPublic.staffHint' : 'catalogue.nothingPublic.hint')}</p>
        {staff && (
          <Link to="/upload" className="button button-primary" data-testid="catalogue-empty-upload">
            {t('catalogue.nothingYet.upload')}
          </Link>
        )}
      </div>
    );
  }
  if (filters === 0) {
    return (
      <div className="empty-state" data-testid="catalogue-empty">
        <h2>{t('catalogue.noMatch.title', { q })}</h2>
        <p>{t('catalogue.noMatch.hint')}</p>
        <Link to={catalogueSearchHref()} className="button">
          {t('catalogue.browseAll')}
        </Link>
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="catalogue-empty">
      <h2>{t('catalogue.empty.title')}</h2>
      <p>{q ? t('catalogue.empty.hintWithSearch', { count: filters }) : t('catalogue.empty.hintFilters', { count: filters })}</p>
      <div className="empty-state-actions">
        <button type="button" className="button" onClick={clearAll}>
          {t('catalogue.clearAll')}
        </button>
        {q && (
          <Link to={catalogueSearchHref()} className="button">
            {t('catalogue.browseAll')}
          </Link>
        )}
      </div>
    </div>
  );
}
