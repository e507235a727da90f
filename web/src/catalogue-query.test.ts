import { describe, expect, it } from 'vitest';
import { activeFilterCount, apiQueryString, CATALOGUE_PATH, catalogueHref, catalogueSearchHref, readCatalogueState, toggleFacetHref, toggleRightsUseHref } from './catalogue-query';

describe('catalogue URLs', () => {
  it('live under /works', () => {
    expect(CATALOGUE_PATH).toBe('/works');
    expect(catalogueSearchHref()).toBe('/works');
    expect(catalogueSearchHref({ q: '溪山' })).toBe('/works?q=%E6%BA%AA%E5%B1%B1');
  });

  it('keep the list view across filter changes and drop the default grid', () => {
    const query = new URLSearchParams('q=seal&view=list&page=3');
    expect(catalogueHref(query, { sort: 'title' })).toBe('/works?q=seal&view=list&sort=title');
    expect(catalogueHref(query, { view: 'grid' }, true)).toBe('/works?q=seal&page=3');
    expect(catalogueHref(new URLSearchParams('view=grid'), {})).toBe('/works');
    expect(toggleFacetHref(new URLSearchParams('view=list'), 'period', 'ming')).toBe('/works?view=list&period=ming');
  });

  it('read the view, which is not a filter and not sent to the API', () => {
    const query = new URLSearchParams('view=list&period=ming');
    const state = readCatalogueState(query);
    expect(state.view).toBe('list');
    expect(readCatalogueState(new URLSearchParams('view=mosaic')).view).toBe('grid');
    expect(activeFilterCount(state)).toBe(1);
    expect(apiQueryString(query)).toBe('period=ming&pageSize=24');
  });

  it('carry the reuse filters (rights_use) to the API and count each as a filter', () => {
    const query = new URLSearchParams('rights_use=free&rights_use=ai&rights_use=bogus');
    const state = readCatalogueState(query);
    expect(state.rightsUse).toEqual(['free', 'ai']);
    expect(activeFilterCount(state)).toBe(2);
    expect(apiQueryString(new URLSearchParams('rights_use=free&rights_use=ai'))).toBe('rights_use=free&rights_use=ai&pageSize=24');
    expect(toggleRightsUseHref(query, 'ai')).toBe('/works?rights_use=free&rights_use=bogus');
    expect(toggleRightsUseHref(new URLSearchParams('page=2'), 'licensable')).toBe('/works?rights_use=licensable');
  });
});
