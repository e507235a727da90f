import type { FacetColumns } from '../archive/work-facets.js';
import type { FacetName } from './facets.js';
import type { Match } from './search-query.js';

/**
 * Facet values written into a work's search document as tokens, so a text search narrowed by a
 * facet or a year range is intersected inside the text index itself. At a million works, 山水
 * (100,000 matches) within one classification (100,000 works) and 900–1300 (3,800 both) cost
 * 0.8 s as two large sets from two tables joined row by row; the index intersects their posting
 * lists instead. The tokens only narrow what the text index returns: the works' own columns still
 * decide, so ranking, counts and access are as before.
 *
 * Only facets that are a pure function of the record are tokenised (set with the record, in the
 * transaction that indexes it): classification, heritage and period, and the centuries of the date.
 * Places (refreshed by a job when the gazetteer changes), collections, visibility and owners are not.
 */

/** Which facet filters narrow a text search, and their token's letter. */
const TOKENISED: Partial<Record<FacetName, string>> = { industry: 'i', heritage: 'h', period: 'p' };

/** Centuries a dated work is tokenised under, at most; a longer span gets the "wide" token instead. */
const MAX_CENTURIES = 30;
const WIDE = 'x0cw';

/**
 * A token holds only lowercase letters and digits (both full-text engines keep it whole) and begins
 * `x0`: with a digit in it, it is never taken for a word by typo tolerance's vocabulary (letters only).
 */
const valueToken = (letter: string, value: string): string => `x0${letter}${Buffer.from(value, 'utf8').toString('hex')}`;
const centuryToken = (century: number): string => `x0c${century < 0 ? `m${-century}` : century}`;
const centuryOf = (year: number): number => Math.floor(year / 100);

/** The tokens of a work's facet values, for its search document. */
export function facetTokens(columns: Pick<FacetColumns, 'industry' | 'heritage' | 'period' | 'earliest_year' | 'latest_year'>): string[] {
  const tokens: string[] = [];
  if (columns.industry) tokens.push(valueToken(TOKENISED.industry!, columns.industry));
  if (columns.heritage) tokens.push(valueToken(TOKENISED.heritage!, columns.heritage));
  if (columns.period) tokens.push(valueToken(TOKENISED.period!, columns.period));
  const { earliest_year: earliest, latest_year: latest } = columns;
  if (earliest !== null && latest !== null) {
    // A range written backwards (latest before earliest) still overlaps what it spans.
    const [from, to] = [centuryOf(Math.min(earliest, latest)), centuryOf(Math.max(earliest, latest))];
    if (to - from >= MAX_CENTURIES) tokens.push(WIDE);
    else for (let century = from; century <= to; century++) tokens.push(centuryToken(century));
  }
  return tokens;
}

/** What narrows a text search: the selected facet values and the year range (`except`: a facet counted without its own filter). */
export interface FacetNarrowing {
  filters: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
}

/**
 * A text match with the tokens every selected work must carry, or the match as it was when nothing
 * tokenised is selected. A work overlapping yearFrom–yearTo has a date in one of those centuries,
 * so it carries one of their tokens (or the wide one); an open-ended range does not narrow.
 */
export function narrowMatch(match: Match, selection: FacetNarrowing, except?: FacetName): Match {
  const required: Match[] = [];
  for (const [facet, letter] of Object.entries(TOKENISED) as [FacetName, string][]) {
    const values = selection.filters[facet];
    if (facet === except || !values || values.length === 0) continue;
    const options = values.map((value): Match => ({ token: valueToken(letter, value), prefix: false }));
    required.push(options.length === 1 ? options[0]! : { any: options });
  }
  const { yearFrom, yearTo } = selection;
  if (yearFrom !== undefined && yearTo !== undefined && yearFrom <= yearTo && centuryOf(yearTo) - centuryOf(yearFrom) < MAX_CENTURIES) {
    const options: Match[] = [{ token: WIDE, prefix: false }];
    for (let century = centuryOf(yearFrom); century <= centuryOf(yearTo); century++) options.push({ token: centuryToken(century), prefix: false });
    required.push({ any: options });
  }
  return required.length === 0 ? match : { all: [match, ...required] };
}
