import type { Actor } from '../govern/roles.js';
import type { CatalogueRepository } from './catalogue.repository.js';
import { parseQuery, type Match, type Thesaurus } from './search-query.js';
import { editCandidates, MAX_TYPO_ALTERNATIVES } from './search-typos.js';

/** Words checked for typos per query, at most: each costs up to two small lookups. */
const MAX_FUZZY_WORDS = 4;

/** What a typed query asks the index for. */
export interface SearchPlan {
  /** Null when the query is blank. */
  match: Match | null;
  /** True when something was typed but nothing in it can be searched for (only punctuation or emoji). */
  unsearchable: boolean;
}

/**
 * Turns a typed query into a match: words, CJK bigrams and synonyms (parseQuery), then typo
 * tolerance. A Latin word of 5+ letters that no readable work matches, as typed, as a prefix or by
 * its stem, may also match its 1-edit neighbours in the vocabulary (the commonest few). A word that
 * does match is left alone, so correct words are not diluted by lookalikes.
 */
export class SearchPlanner {
  constructor(private readonly catalogue: Pick<CatalogueRepository, 'anyVisibleMatch' | 'vocabularyTerms'>) {}

  async plan(actor: Actor, query: string | undefined, thesaurus: Thesaurus): Promise<SearchPlan> {
    const text = (query ?? '').trim();
    if (!text) return { match: null, unsearchable: false };
    const parts = parseQuery(text, thesaurus);
    if (parts.length === 0) return { match: null, unsearchable: true };
    let checked = 0;
    for (const part of parts) {
      if (!part.fuzzy || checked >= MAX_FUZZY_WORDS) continue;
      checked++;
      if (await this.catalogue.anyVisibleMatch(actor, part.match)) continue;
      const near = await this.catalogue.vocabularyTerms(editCandidates(part.fuzzy), MAX_TYPO_ALTERNATIVES);
      if (near.length > 0) part.match = { any: [part.match, ...near.map((token) => ({ token, prefix: false }))] };
    }
    return { match: parts.length === 1 ? parts[0]!.match : { all: parts.map((p) => p.match) }, unsearchable: false };
  }
}
