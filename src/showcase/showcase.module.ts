import type { FastifyRequest } from 'fastify';
import type { ArchiveServices } from '../archive/archive.module.js';
import { toWork } from '../archive/work.service.js';
import type { DiscoverServices } from '../discover/discover.module.js';
import type { InstanceServices } from '../instance/instance.module.js';
import type { Database } from '../platform/db/database.js';
import type { ModuleParts } from '../platform/module.js';
import type { PublishServices } from '../publish/publish.module.js';
import { exhibitionIiifRoutes } from './exhibition-iiif.routes.js';
import { ExhibitionExportService } from './exhibition-export.service.js';
import { ExhibitionRepository } from './exhibition.repository.js';
import { ExhibitionService } from './exhibition.service.js';
import { HomeRepository } from './home.repository.js';
import { HomeService } from './home.service.js';
import { showcaseRoutes } from './showcase.routes.js';
import { ShowcaseWorks } from './showcase-works.js';
import './showcase.errors.js';

export interface ShowcasePorts {
  database: Database;
  archive: Pick<ArchiveServices, 'workReader' | 'collections' | 'downloads'>;
  discover: Pick<DiscoverServices, 'catalogue'>;
  instance: Pick<InstanceServices, 'instance' | 'links'>;
  publish: Pick<PublishServices, 'presentation'>;
  config: { iiifRateLimitPerMinute: number };
  /** The clock (tests move it to see scheduled exhibitions appear). */
  now?: () => Date;
}

export interface ShowcaseServices {
  exhibitions: ExhibitionService;
  showcaseHome: HomeService;
  exhibitionExports: ExhibitionExportService;
}

/**
 * The showcase: online exhibitions (stories of bilingual sections, each showing a region of a
 * work, exported as IIIF manifests) and the home page a curator composes. It reads works only
 * through the archive's reader and its access rule, so what it shows visitors is public.
 */
export function createShowcaseModule(ports: ShowcasePorts): ModuleParts<ShowcaseServices> {
  const { database, archive, instance } = ports;
  const now = ports.now ?? (() => new Date());
  const works = new ShowcaseWorks(archive.workReader, async (row) => (await archive.downloads.forWork(toWork(row))).policy);
  let home: HomeService | null = null;
  const exhibitions = new ExhibitionService({ repo: new ExhibitionRepository(database), works, now, changed: () => home?.changed() });
  home = new HomeService({
    repo: new HomeRepository(database),
    exhibitions,
    works,
    reader: archive.workReader,
    collections: archive.collections,
    catalogue: ports.discover.catalogue,
    instance: instance.instance,
    now,
  });
  const showcaseHome = home;
  const exhibitionExports = new ExhibitionExportService({ exhibitions, presentation: ports.publish.presentation });

  // Absolute links (IIIF services, the manifest): the public URL, else the origin the client used, as publish does.
  let publicUrl: { value: string | null; until: number } = { value: null, until: 0 };
  const baseUrl = async (request: FastifyRequest) => {
    if (publicUrl.until < Date.now()) publicUrl = { value: await instance.links.publicUrl(), until: Date.now() + 5000 };
    return publicUrl.value ?? `${request.protocol}://${request.host}`;
  };

  return {
    services: { exhibitions, showcaseHome, exhibitionExports },
    routes: (api) => showcaseRoutes(api, { exhibitions, home: showcaseHome, baseUrl }),
    // The home page and an exhibition ask for these first: named with the page so they arrive with its script.
    pagePreloads: [
      { page: /^\/$/, api: () => '/api/showcase/home' },
      { page: /^\/exhibitions\/([^/]+)$/, api: (m) => (m[1] === 'new' ? null : `/api/exhibitions/${encodeURIComponent(decodeURIComponent(m[1]!))}`) },
    ],
    mounts: [{ prefix: '/iiif/3/exhibitions', perMinute: ports.config.iiifRateLimitPerMinute, cors: true, routes: (api) => exhibitionIiifRoutes(api, { exports: exhibitionExports, baseUrl }) }],
  };
}
