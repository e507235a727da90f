import { describe, expect, it } from 'vitest';
import { ftsQuery, tsQuery } from './catalogue.repository.js';
import { facetTokens, narrowMatch } from './search-facet-tokens.js';
import type { Match } from './search-query.js';

const columns = (parts: Partial<Parameters<typeof facetTokens>[0]>) => ({ industry: null, heritage: null, period: null, earliest_year: null, latest_year: null, ...parts });
const crane: Match = { token: 'crane', prefix: true };

describe('facetTokens', () => {
  it('tokenises classification, heritage, period and every century of the date, in letters and digits only', () => {
    const tokens = facetTokens(columns({ industry: '01', heritage: 'tangible', period: 'song', earliest_year: 960, latest_year: 1127 }));
    expect(tokens).toEqual(['x0i3031', 'x0h74616e6769626c65', 'x0p736f6e67', 'x0c9', 'x0c10', 'x0c11']);
    for (const token of tokens) expect(token).toMatch(/^[a-z0-9]+$/);
  });

  it('writes centuries before the common era, backwards ranges and millennia spans', () => {
    expect(facetTokens(columns({ earliest_year: -250, latest_year: -150 }))).toEqual(['x0cm3', 'x0cm2']);
    expect(facetTokens(columns({ earliest_year: 1300, latest_year: 1199 }))).toEqual(['x0c11', 'x0c12', 'x0c13']);
    expect(facetTokens(columns({ earliest_year: -1500, latest_year: 2000 }))).toEqual(['x0cw']);
    expect(facetTokens(columns({ earliest_year: 1500 }))).toEqual([]);
  });
});

describe('narrowMatch', () => {
  it('adds the selected values (any of them) and the centuries of a closed year range', () => {
    const narrowed = narrowMatch(crane, { filters: { industry: ['01', '03'], heritage: ['tangible'], place: ['cn-11'] }, yearFrom: 1050, yearTo: 1230 });
    expect(tsQuery(narrowed)).toBe("('crane':* & ('x0i3031' | 'x0i3033') & 'x0h74616e6769626c65' & ('x0cw' | 'x0c10' | 'x0c11' | 'x0c12'))");
    expect(ftsQuery(narrowed)).toContain('("x0cw" OR "x0c10" OR "x0c11" OR "x0c12")');
  });

  it('leaves out the facet being counted, untokenised facets, open and huge ranges', () => {
    expect(narrowMatch(crane, { filters: { industry: ['01'] } }, 'industry')).toBe(crane);
    expect(narrowMatch(crane, { filters: { place: ['cn-11'], visibility: ['public'] } })).toBe(crane);
    expect(narrowMatch(crane, { filters: {}, yearFrom: 1000 })).toBe(crane);
    expect(narrowMatch(crane, { filters: {}, yearFrom: -5000, yearTo: 2500 })).toBe(crane);
    expect(narrowMatch(crane, { filters: {}, yearFrom: 1300, yearTo: 1200 })).toBe(crane);
  });
});
