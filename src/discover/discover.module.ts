import type { ArchiveServices } from '../archive/archive.module.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { ModuleParts } from '../platform/module.js';
import { Admission } from '../platform/admission.js';
import { BrowseRepository } from './browse.repository.js';
import { browseRoutes } from './browse.routes.js';
import { BrowseService } from './browse.service.js';
import { bulkSelectionRoutes } from './bulk-selection.routes.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { catalogueRoutes } from './catalogue.routes.js';
import { CatalogueService } from './catalogue.service.js';
import { DiscoverPersonalData } from './personal-data.repository.js';
import { RecommendRepository } from './recommend/recommend.repository.js';
import { recommendRoutes } from './recommend/recommend.routes.js';
import { buildModelOffThread } from './recommend/recommender-build.js';
import { RecommenderService } from './recommend/recommender.service.js';
import { RelatedRepository } from './related.repository.js';
import { ReuseFlagsRepository } from './reuse-flags.repository.js';
import { ReuseFlagsService } from './reuse-flags.service.js';
import { relatedRoutes } from './related.routes.js';
import { RelatedWorksService } from './related.service.js';
import { SearchIndex } from './search-index.js';
import { SearchPlanner } from './search-planner.js';
import { SynonymsRepository } from './synonyms.repository.js';
import { synonymsRoutes } from './synonyms.routes.js';
import { SynonymsService } from './synonyms.service.js';
import { SuggestRepository } from './suggest.repository.js';
import { suggestRoutes } from './suggest.routes.js';
import { SuggestService } from './suggest.service.js';

export const REINDEX_JOB = 'discover.reindex';
export const RECOMMENDER_JOB = 'discover.recommender';
/** New signals are learnt in batches: a rebuild runs this long after the first signal since the last one. */
const REBUILD_DELAY_MS = 5 * 60_000;

export interface DiscoverPorts {
  database: Database;
  jobs: JobQueue;
  archive: Pick<ArchiveServices, 'workReader' | 'collections' | 'extensions' | 'bulk'>;
  /** Searches that may run at once (the rest wait, up to a bound, then get 503 busy). */
  concurrentSearches: number;
  /** Facet counts from every process's memory or from the database (config.ts, `facetCounts`). */
  facetCounts: 'memory' | 'database';
  /** Works whose titles search-as-you-type suggests, at most (config.ts, `suggestMaxTitles`). */
  suggestMaxTitles: number;
}

export interface DiscoverServices {
  catalogue: CatalogueService;
  searchIndex: SearchIndex;
  synonyms: SynonymsService;
  related: RelatedWorksService;
  suggestions: SuggestService;
  recommender: RecommenderService;
  /** The catalogue's reuse filters, fed by license (a rights-URI mapping and per-work flags). */
  reuseFlags: ReuseFlagsService;
}

/** Browse and search: the search index (kept in step with works), facets and the catalogue. */
export function createDiscoverModule(ports: DiscoverPorts): ModuleParts<DiscoverServices> {
  const { database, jobs, archive } = ports;
  const searchIndex = new SearchIndex(database);
  archive.extensions.addIndexer(searchIndex);
  // Up to 64 searches wait for a slot: about a second's worth at broad-search speed; the next get 503 + Retry-After.
  const reuseFlagsRepository = new ReuseFlagsRepository(database);
  const reuseFlags = new ReuseFlagsService(reuseFlagsRepository);
  // Deleted works (an erased person's) leave the index, the reuse flags and the recommender's rows.
  const personalData = new DiscoverPersonalData(database, searchIndex, reuseFlagsRepository);
  archive.extensions.addWorkRemover(personalData);
  const catalogueRepository = new CatalogueRepository(database, (uri) => reuseFlags.maskOfRights(uri), ports.facetCounts);
  const synonyms = new SynonymsService(new SynonymsRepository(database));
  const catalogue = new CatalogueService(catalogueRepository, archive.workReader, new Admission(ports.concurrentSearches, 64), new SearchPlanner(catalogueRepository), synonyms);
  const related = new RelatedWorksService(new RelatedRepository(database), archive.workReader);
  const browse = new BrowseService(new BrowseRepository(database), archive.workReader);
  const enqueueRebuild = (delayMs: number) => jobs.enqueue(database.db, RECOMMENDER_JOB, {}, { dedupeKey: RECOMMENDER_JOB, runAt: new Date(Date.now() + delayMs) });
  const recommender = new RecommenderService({ repository: new RecommendRepository(database), works: archive.workReader, scheduleRebuild: () => enqueueRebuild(REBUILD_DELAY_MS), buildModel: buildModelOffThread });
  const suggestions = new SuggestService(new SuggestRepository(database), ports.suggestMaxTitles);
  return {
    services: { catalogue, searchIndex, synonyms, related, suggestions, recommender, reuseFlags },
    personalData,
    routes: (api) => {
      catalogueRoutes(api, { catalogue, collections: archive.collections });
      bulkSelectionRoutes(api, { catalogue, archive });
      relatedRoutes(api, { related });
      browseRoutes(api, { browse });
      synonymsRoutes(api, { synonyms });
      recommendRoutes(api, { recommender, requestRebuild: () => jobs.enqueue(database.db, RECOMMENDER_JOB, { requested: true }, { dedupeKey: `${RECOMMENDER_JOB}.now` }) });
      suggestRoutes(api, { suggestions });
    },
    jobs: {
      [REINDEX_JOB]: async () => {
        await searchIndex.rebuild();
      },
      [RECOMMENDER_JOB]: async () => {
        await recommender.rebuild();
      },
    },
    close: () => suggestions.close(),
    // An index built by an older tokenizer is rebuilt in the background; search keeps working meanwhile.
    init: async () => {
      await synonyms.seed();
      if (await searchIndex.needsRebuild()) await jobs.enqueue(database.db, REINDEX_JOB, {}, { dedupeKey: REINDEX_JOB });
    },
  };
}
