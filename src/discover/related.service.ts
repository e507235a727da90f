import type { WorkReader } from '../archive/work.repository.js';
import { parseStoredMetadata, type LangMap, type WorkMetadata } from '../archive/metadata.schema.js';
import { canReadWork, type Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { AnswerCache } from './answer-cache.js';
import type { RelatedWorks } from './related.contract.js';
import type { Phrase, RelatedRepository } from './related.repository.js';
import { foldText, queryTerms } from './search-text.js';
import { workSummaries } from './work-summaries.js';

/** Works shown per row. */
export const RELATED_PER_GROUP = 8;
/** Works mentioning a creator's name looked at to find those really by them. */
const CREATOR_CANDIDATES = 200;
/** Creators and subjects of a work considered (a record can list hundreds). */
const MAX_CREATORS = 6;
const MAX_SUBJECTS = 8;

/**
 * Names that say the creator is unknown. Two works by "佚名" are not by the same hand, so they
 * must not be offered as "same creator".
 */
const ANONYMOUS_NAMES = new Set(['佚名', '无款', '无名氏', '不详', '未知', 'anonymous', 'unknown', 'unidentified', 'unidentified artist', 'unknown artist', 'artist unknown'].map(foldText));

function names(map: LangMap): string[] {
  return Object.values(map).map((v) => foldText(v).trim()).filter((v) => v && !ANONYMOUS_NAMES.has(v));
}

/** Exact tokens of a name or subject: "Wang" must not find "Wanger". */
function phrase(text: string): Phrase {
  return queryTerms(text).map((t) => ({ token: t.token, prefix: false }));
}

/** Other works worth seeing from a work's page: by the same creator, of the same period, and alike. */
export class RelatedWorksService {
  constructor(
    private readonly related: RelatedRepository,
    private readonly works: WorkReader,
  ) {}

  /** Anonymous answers by work: the same for every visitor until the catalogue changes. */
  private readonly anonymousAnswers = new AnswerCache<RelatedWorks>(1024, 60_000);

  /** The related works of a work the actor may read (not found otherwise); never the work itself. */
  async forWork(actor: Actor, id: string): Promise<RelatedWorks> {
    const row = await this.works.findById(id);
    if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id });
    if (actor.kind !== 'anonymous') return this.compute(actor, row);
    return this.anonymousAnswers.get(id, await this.works.catalogueVersion(), () => this.compute(actor, row));
  }

  private async compute(actor: Actor, row: NonNullable<Awaited<ReturnType<WorkReader['findById']>>>): Promise<RelatedWorks> {
    const metadata = parseStoredMetadata(row.metadata);
    const exclude = [row.id];

    const sameCreator = await this.sameCreator(actor, metadata, exclude);
    exclude.push(...sameCreator.map((r) => r.id));
    const samePeriod = await this.related.samePeriod(actor, { period: row.period, earliest: row.earliest_year, latest: row.latest_year }, exclude, RELATED_PER_GROUP);
    exclude.push(...samePeriod.map((r) => r.id));
    const alike = await this.related.similar(
      actor,
      {
        medium: row.medium_facet,
        industry: row.industry,
        period: row.period,
        subjects: metadata.subjects.slice(0, MAX_SUBJECTS).flatMap((s) => Object.values(s).map(phrase)),
      },
      exclude,
      RELATED_PER_GROUP,
    );

    const [creatorCards, periodCards, alikeCards] = await Promise.all([workSummaries(this.works, sameCreator), workSummaries(this.works, samePeriod), workSummaries(this.works, alike)]);
    return { sameCreator: creatorCards, samePeriod: periodCards, period: samePeriod.length > 0 ? row.period : null, moreLikeThis: alikeCards };
  }

  /**
   * The search index finds works mentioning a creator's name anywhere; only those that list a
   * creator of the same name (in any language, either script) are kept.
   */
  private async sameCreator(actor: Actor, metadata: WorkMetadata, exclude: string[]) {
    const wanted = new Set(metadata.creators.slice(0, MAX_CREATORS).flatMap((c) => names(c.name)));
    if (wanted.size === 0) return [];
    const candidates = await this.related.mentioning(actor, [...wanted].map(phrase), exclude, CREATOR_CANDIDATES);
    const records = await this.works.metadataOf(candidates.map((c) => c.id));
    return candidates
      .filter((c) => {
        const json = records.get(c.id);
        return json !== undefined && parseStoredMetadata(json).creators.some((creator) => names(creator.name).some((n) => wanted.has(n)));
      })
      .slice(0, RELATED_PER_GROUP);
  }
}
