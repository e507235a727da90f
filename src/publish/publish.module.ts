import os from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { ArchiveServices } from '../archive/archive.module.js';
import type { InstanceServices } from '../instance/instance.module.js';
import { Admission } from '../platform/admission.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { PermanentJobError } from '../platform/jobs/worker.js';
import type { ModuleParts } from '../platform/module.js';
import type { ProtectServices } from '../protect/protect.module.js';
import type { RegistryServices } from '../registry/registry.module.js';
import type { RawImageInput } from './iiif/pyramid.js';
import { TileCache } from './iiif/tile-cache.js';
import { IiifImageService } from './iiif-image.service.js';
import { iiifRoutes } from './iiif.routes.js';
import { iiifPaths, PresentationService } from './presentation.service.js';
import { PyramidRepository } from './pyramid.repository.js';
import { PYRAMID_JOB, PyramidService } from './pyramid.service.js';
import { TileRegionPool } from './iiif/tile-region-pool.js';
import { jpegTurbo } from './iiif/tile-region.js';

export const PYRAMID_FIXITY_JOB = 'publish.pyramid-fixity';
import './publish.errors.js';

export interface PublishPorts {
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  wakeWorkers: () => void;
  archive: Pick<ArchiveServices, 'works' | 'workReader' | 'collections' | 'downloads' | 'extensions'>;
  instance: Pick<InstanceServices, 'instance' | 'links'>;
  registry: Pick<RegistryServices, 'registryReader'>;
  protect: Pick<ProtectServices, 'watermarkCopies'>;
  config: { dataDir: string; maxImagePixels: number; iiifCacheMb: number; iiifDecodedTilesMb: number; iiifRateLimitPerMinute: number; fixityIntervalHours: number; watermarkPublicCopies: boolean };
}

export interface PublishServices {
  pyramids: PyramidService;
  iiifImages: IiifImageService;
  presentation: PresentationService;
}

/**
 * Publishing works to the world as IIIF: the Image API over every image (tiled pyramids of large
 * ones, made by a job), Presentation manifests and collections, served at /iiif with CORS so any
 * IIIF viewer opens them.
 */
export function createPublishModule(ports: PublishPorts): ModuleParts<PublishServices> {
  const { database, blobs, jobs, archive, instance, config } = ports;
  // Public copies carry the watermark: so do the tiles visitors zoom into.
  const markPublicFrame = config.watermarkPublicCopies ? async (sha256: string, pixels: RawImageInput): Promise<RawImageInput | null> => {
    const marked = await ports.protect.watermarkCopies.markPublicFrame(sha256, pixels);
    return marked ? { ...marked, channels: pixels.channels } : null;
  } : null;
  const pyramids = new PyramidService({ database, repo: new PyramidRepository(database), blobs, jobs, dataDir: config.dataDir, maxImagePixels: config.maxImagePixels, wakeWorkers: ports.wakeWorkers, markPublicFrame });
  // Renders beyond two per core wait; past 64 waiting, 503 + Retry-After (a flood of uncached regions).
  const admission = new Admission(2 * Math.max(1, os.availableParallelism()), 64);
  // Small JPEG regions of pyramids outside sharp, where libjpeg-turbo's binding loads (else sharp renders all).
  const tileRegions = jpegTurbo() ? new TileRegionPool(config.iiifDecodedTilesMb * 1024 * 1024) : undefined;
  const iiifImages = new IiifImageService({ archive, blobs, pyramids, cache: new TileCache(config.iiifCacheMb * 1024 * 1024), admission, maxImagePixels: config.maxImagePixels, tileRegions });
  const presentation = new PresentationService({ archive, instance, registry: ports.registry });

  // Absolute ids are the point of IIIF documents: the public URL, else the origin the client used.
  // Read at most every few seconds: every tile's Link header needs it, and it changes once a year.
  let publicUrl: { value: string | null; until: number } = { value: null, until: 0 };
  const baseUrl = async (request: FastifyRequest) => {
    if (publicUrl.until < Date.now()) publicUrl = { value: await instance.links.publicUrl(), until: Date.now() + 5000 };
    return publicUrl.value ?? `${request.protocol}://${request.host}`;
  };
  archive.extensions.addImageJob(PYRAMID_JOB);
  archive.extensions.setIiifLinks(async (workId, origin) => {
    const base = (await instance.links.publicUrl()) ?? origin;
    return { manifest: base + iiifPaths.manifest(workId), service: (sha256) => base + iiifPaths.image(workId, sha256) };
  });

  let fixityTimer: NodeJS.Timeout | null = null;
  return {
    services: { pyramids, iiifImages, presentation },
    mounts: [{ prefix: '/iiif', perMinute: config.iiifRateLimitPerMinute, cors: true, routes: (api) => iiifRoutes(api, { images: iiifImages, presentation, baseUrl }) }],
    jobs: {
      [PYRAMID_JOB]: async (payload) => {
        const sha256 = (payload as { sha256?: unknown } | null)?.sha256;
        if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new PermanentJobError(`bad payload for ${PYRAMID_JOB}`);
        await pyramids.build(sha256);
      },
      [PYRAMID_FIXITY_JOB]: async () => {
        await pyramids.verifyAll();
      },
    },
    background: {
      // Pyramids are checked on the archive's fixity schedule (their first check one interval after start).
      start() {
        const hours = config.fixityIntervalHours;
        if (hours <= 0 || fixityTimer) return;
        fixityTimer = setInterval(() => void jobs.enqueue(database.db, PYRAMID_FIXITY_JOB, {}, { dedupeKey: PYRAMID_FIXITY_JOB, maxAttempts: 3 }).catch(() => undefined), hours * 3_600_000);
        fixityTimer.unref();
      },
      stop() {
        if (fixityTimer) clearInterval(fixityTimer);
        fixityTimer = null;
      },
    },
    init: async () => {
      pyramids.removeStalePartFiles();
    },
    close: () => tileRegions?.close(),
  };
}
