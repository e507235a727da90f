import { hasRole, type Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { Synonyms } from './synonyms.contract.js';
import { DEFAULT_SYNONYMS } from './synonyms-default.js';
import type { SynonymsRepository } from './synonyms.repository.js';
import { isSearchable, type Thesaurus } from './search-query.js';
import './discover.errors.js';

/** The thesaurus as search uses it, with a version that changes whenever it is saved. */
export interface ThesaurusState {
  groups: Thesaurus;
  version: string;
}

const CACHE_MS = 1_000;

function canEditSynonyms(actor: Actor): boolean {
  return hasRole(actor, ['admin', 'curator']);
}

/**
 * The search thesaurus: groups of words that stand for one another. Search expands a query with
 * them as it runs (nothing is reindexed), so a saved change holds from the next query on.
 */
export class SynonymsService {
  constructor(
    private readonly repository: SynonymsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores the default thesaurus on an instance that has none yet. */
  async seed(): Promise<void> {
    await this.repository.seed(DEFAULT_SYNONYMS, this.now().toISOString());
  }

  /**
   * Read once a second at most, not on every search (a crowd's cached answers need the version too).
   * A save here clears it at once; another server process sees it within the second.
   */
  private cached: { state: Promise<ThesaurusState>; at: number } | null = null;

  /** The thesaurus: the stored one, else the default. */
  async current(): Promise<ThesaurusState> {
    const now = this.now().getTime();
    if (!this.cached || now - this.cached.at > CACHE_MS || now < this.cached.at) {
      const state = this.repository.read().then((stored) => (stored ? { groups: stored.groups, version: stored.updatedAt } : { groups: DEFAULT_SYNONYMS, version: 'default' }));
      this.cached = { state, at: now };
      state.catch(() => {
        if (this.cached?.state === state) this.cached = null;
      });
    }
    return this.cached.state;
  }

  async get(): Promise<Synonyms> {
    return { groups: (await this.current()).groups.map((g) => [...g]) };
  }

  /** Replaces the whole thesaurus (admins and curators). Variants are trimmed and deduplicated. */
  async replace(actor: Actor, input: Synonyms): Promise<Synonyms> {
    if (!canEditSynonyms(actor)) throw CommonErrors.forbidden('only admins and curators edit the search synonyms', { key: 'auth.role_required', params: { roles: 'admin,curator' } });
    const groups: string[][] = [];
    input.groups.forEach((group, index) => {
      const variants = [...new Set(group.map((v) => v.trim()))];
      for (const variant of variants) {
        if (!isSearchable(variant)) {
          throw new AppError('invalid_input', `group ${index + 1}: "${variant}" has no letters or digits to search for`, { key: 'synonyms.unsearchable', params: { group: index + 1, variant } });
        }
      }
      if (variants.length < 2) {
        throw new AppError('invalid_input', `group ${index + 1} needs two different variants`, { key: 'synonyms.single_variant', params: { group: index + 1 } });
      }
      groups.push(variants);
    });
    // Saved times must differ from the last save's, or a search cache could keep the old answer.
    const previous = await this.repository.read();
    let at = this.now().toISOString();
    if (previous && previous.updatedAt >= at) at = new Date(Date.parse(previous.updatedAt) + 1).toISOString();
    await this.repository.write(groups, at);
    this.cached = null;
    return { groups };
  }
}
