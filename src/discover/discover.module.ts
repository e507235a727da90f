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
import { RelatedRepository } from './related.repository.js';
import { relatedRoutes } from './related.routes.js';
import { RelatedWorksService } from './related.service.js';
import { SearchIndex } from './search-index.js';

export const REINDEX_JOB = 'discover.reindex';

export interface DiscoverPorts {
  database: Database;
  jobs: JobQueue;
  archive: Pick<ArchiveServices, 'workReader' | 'collections' | 'extensions' | 'bulk'>;
  /** Searches that may run at once (the rest wait, up to a bound, then get 503 busy). */
  concurrentSearches: number;
}

export interface DiscoverServices {
  catalogue: CatalogueService;
  searchIndex: SearchIndex;
  related: RelatedWorksService;
}

/** Browse and search: the search index (kept in step with works), facets and the catalogue. */
export function createDiscoverModule(ports: DiscoverPorts): ModuleParts<DiscoverServices> {
  const { database, jobs, archive } = ports;
  const searchIndex = new SearchIndex(database);
  archive.extensions.addIndexer(searchIndex);
  // Up to 64 searches wait for a slot: about a second's worth at broad-search speed; the next get 503 + Retry-After.
  const catalogue = new CatalogueService(new CatalogueRepository(database), archive.workReader, new Admission(ports.concurrentSearches, 64));
  const related = new RelatedWorksService(new RelatedRepository(database), archive.workReader);
  const browse = new BrowseService(new BrowseRepository(database), archive.workReader);
  return {
    services: { catalogue, searchIndex, related },
    routes: (api) => {
      catalogueRoutes(api, { catalogue, collections: archive.collections });
      bulkSelectionRoutes(api, { catalogue, archive });
      relatedRoutes(api, { related });
      browseRoutes(api, { browse });
    },
    jobs: {
      [REINDEX_JOB]: async () => {
        await searchIndex.rebuild();
      },
    },
    // An index built by an older tokenizer is rebuilt in the background; search keeps working meanwhile.
    init: async () => {
      if (await searchIndex.needsRebuild()) await jobs.enqueue(database.db, REINDEX_JOB, {}, { dedupeKey: REINDEX_JOB });
    },
  };
}
