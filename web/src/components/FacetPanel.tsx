import { useId } from 'react';
import { useNavigate } from 'react-router';
import { catalogueHref, toggleRightsUseHref, type CatalogueState } from '../catalogue-query';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { FACET_NAMES, type CataloguePage, type Collection, type FacetName, type Vocabulary } from '../types';
import { CollectionOptions } from './CollectionOptions';
import { FacetGroup } from './FacetGroup';
import { RightsUseFilter } from './RightsUseFilter';
import { YearRangeForm } from './YearRangeForm';

interface Props {
  id: string;
  open: boolean;
  state: CatalogueState;
  query: URLSearchParams;
  facets: CataloguePage['facets'];
  rightsUse?: CataloguePage['rightsUse'];
  vocabulary: Vocabulary | null;
  collections: Collection[];
  onToggle: (facet: FacetName, value: string) => void;
}

/** The filter sidebar: collections, "mine", year range and every facet the API counted. */
export function FacetPanel({ id, open, state, query, facets, rightsUse, vocabulary, collections, onToggle }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const collectionId = useId();
  const mineId = useId();
  const navigate = useNavigate();
  // A changed filter keeps the reader where they are in the panel.
  const refine = (href: string) => navigate(href, { preventScrollReset: true });

  return (
    <aside id={id} className={`facet-panel${open ? ' is-open' : ''}`} aria-label={t('catalogue.filters')}>
      <h2 className="facet-panel-title">{t('catalogue.filters')}</h2>
      {collections.length > 0 && (
        <div className="facet-group field">
          <label htmlFor={collectionId}>{t('catalogue.collection')}</label>
          <select
            id={collectionId}
            value={state.collection}
            onChange={(e) => refine(catalogueHref(query, { collection: e.target.value }))}
            aria-describedby={`${collectionId}-hint`}
            data-testid="collection-filter"
          >
            <option value="">{t('catalogue.allCollections')}</option>
            <CollectionOptions collections={collections} current={state.collection} />
          </select>
          <p className="hint" id={`${collectionId}-hint`}>
            {t('catalogue.collectionHint')}
          </p>
        </div>
      )}
      {user && (
        <div className="facet-group checkbox-row">
          <input id={mineId} type="checkbox" checked={state.mine} onChange={(e) => refine(catalogueHref(query, { mine: e.target.checked ? 'true' : null }))} />
          <label htmlFor={mineId}>{t('catalogue.mine')}</label>
        </div>
      )}
      <RightsUseFilter counts={rightsUse} selected={state.rightsUse} onToggle={(use) => refine(toggleRightsUseHref(query, use))} />
      <YearRangeForm from={state.yearFrom} to={state.yearTo} onApply={(from, to) => refine(catalogueHref(query, { yearFrom: from, yearTo: to }))} />
      {FACET_NAMES.map((facet) => (
        <FacetGroup key={facet} facet={facet} values={facets[facet] ?? []} selected={state.facets[facet]} vocabulary={vocabulary} onToggle={onToggle} />
      ))}
    </aside>
  );
}
