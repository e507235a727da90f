import type { ArchiveServices } from '../archive/archive.module.js';
import type { Actor } from '../govern/roles.js';
import type { Admission } from '../platform/admission.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { ImageLimits } from './iiif/image-api.js';
import { imageInfo, type ImageInfo } from './iiif/image-info.js';
import { renderImageRequest, type RenderSource } from './iiif/image-render.js';
import { canonicalImagePath, IiifRequestError, parseIdentifier, parseImageRequest, type ImageRequestParts } from './iiif/image-request.js';
import type { CachedImage, TileCache } from './iiif/tile-cache.js';
import type { PyramidVariant } from './pyramid.repository.js';
import { readableWork } from './readable-work.js';
import type { PyramidService, ServablePyramid } from './pyramid.service.js';
import { readStoredTile, storedTileOf } from './iiif/stored-tiles.js';
import { tileRegionApplies } from './iiif/tile-region.js';
import type { TileRegionPool } from './iiif/tile-region-pool.js';

/** Hex digits of the file's sha256 in an image identifier: enough to tell a work's files apart. */
export const IDENTIFIER_HASH_DIGITS = 16;
/** The largest answer any request gets (info.json advertises these): bounded decode and encode work. */
export const IIIF_LIMITS: ImageLimits = { maxWidth: 8192, maxHeight: 8192, maxArea: 16_777_216 };
export const IIIF_TILE_SIZE = 256;
const RESOLVE_TTL_MS = 5000;
const RESOLVE_CACHE_ENTRIES = 10_000;

/** The identifier of a work's image file in the IIIF Image API: `<workId>~<first hex digits of its sha256>`. */
export function imageIdentifier(workId: string, sha256: string): string {
  return `${workId}~${sha256.slice(0, IDENTIFIER_HASH_DIGITS)}`;
}

/** What one reader is served for one image identifier. */
export interface ResolvedImage {
  identifier: string;
  workId: string;
  sha256: string;
  /** The served image's size (the display copy's, when that is what visitors may see). */
  width: number;
  height: number;
  source: RenderSource;
  /** The pyramid, when the source is one (its stored tiles can be sent without rendering). */
  servedPyramid?: ServablePyramid;
  /** Names the served pixels: cache keys and ETags change when the source does. */
  sourceKey: string;
  /** Everyone asking gets these same bytes (a public work's public view): shared caches may keep them. */
  shared: boolean;
  /** The source is a pyramid (so its failure is reported and it is rebuilt). */
  pyramid: boolean;
  pyramidVariant?: PyramidVariant;
  scaleFactors?: number[];
  /** A blob of a remote (S3) store the source file is copied from for each render (source.file is then empty). */
  remoteBlob?: string;
}

/**
 * The IIIF Image API over a work's image files. Who sees what is the archive's rule: a work the
 * reader may not read answers 404 (as a missing one); those who manage it, and everyone when its
 * download policy offers the master, get the full resolution (from its pyramid when it has one);
 * everyone else gets the display copy, which carries the public watermark when that is on: the
 * same pixels the work page shows, never more.
 */
export class IiifImageService {
  /**
   * Anonymous visitors' resolutions, for a few seconds: a viewer asks for dozens of tiles of one
   * image at once, and each would otherwise read the work, its files and its policy again. A work
   * made private stops being served within RESOLVE_TTL_MS.
   */
  private readonly anonymous = new Map<string, { image: ResolvedImage; until: number }>();

  constructor(
    private readonly deps: {
      archive: Pick<ArchiveServices, 'works' | 'downloads'>;
      blobs: BlobStore;
      pyramids: PyramidService;
      cache: TileCache;
      admission: Admission;
      maxImagePixels: number;
      /** Renders small JPEG regions of pyramids from their stored tiles, outside sharp (absent: sharp renders everything). */
      tileRegions?: TileRegionPool;
    },
  ) {}

  /** A name per pyramid as opened (a rebuilt pyramid is a new object): what the render threads keep is kept under it. */
  private readonly pyramidKeys = new WeakMap<ServablePyramid, string>();
  private nextPyramidKey = 1;

  async resolve(actor: Actor, rawIdentifier: string, now = Date.now()): Promise<ResolvedImage> {
    if (actor.kind !== 'anonymous') return this.lookUp(actor, rawIdentifier);
    const hit = this.anonymous.get(rawIdentifier);
    if (hit && hit.until > now) return hit.image;
    const image = await this.lookUp(actor, rawIdentifier);
    if (this.anonymous.size >= RESOLVE_CACHE_ENTRIES) this.anonymous.clear();
    this.anonymous.set(rawIdentifier, { image, until: now + RESOLVE_TTL_MS });
    return image;
  }

  private async lookUp(actor: Actor, rawIdentifier: string): Promise<ResolvedImage> {
    const notFound = () => CommonErrors.notFound('iiif_image', { identifier: rawIdentifier.slice(0, 200) }, `no image ${rawIdentifier.slice(0, 200)}`);
    const identifier = parseIdentifier(rawIdentifier);
    const [workId, hash] = identifier?.split('~') ?? [];
    if (!workId || !hash || hash.length !== IDENTIFIER_HASH_DIGITS) throw notFound();
    const { work, files, derivatives, canEdit } = await readableWork(this.deps.archive.works, actor, workId, notFound);
    const file = files.find((f) => f.kind === 'image' && f.sha256.startsWith(hash));
    if (!file || !file.width || !file.height) throw notFound();
    const { policy } = await this.deps.archive.downloads.forWork(work);
    const isPublic = work.visibility === 'public';
    const shared = isPublic && !canEdit;
    // Managers zoom into the original; visitors too when the master is offered, but through the
    // publicly watermarked pyramid when public copies are marked (or the marked display copy until
    // it exists, and for images too small to need one — their display copy is full size).
    const variant = canEdit ? 'original' : policy === 'master' ? (this.deps.pyramids.marksPublic ? 'public' : 'original') : null;
    if (variant) {
      const pyramid = await this.deps.pyramids.find(file.sha256, variant);
      if (pyramid) {
        this.deps.tileRegions?.warm();
        return {
          identifier: identifier!, workId, sha256: file.sha256, width: pyramid.info.width, height: pyramid.info.height,
          source: { kind: 'pyramid', file: pyramid.file, info: pyramid.info }, servedPyramid: pyramid, pyramidVariant: variant,
          sourceKey: `${variant === 'public' ? 'q' : 'p'}:${file.sha256}`, shared: isPublic && policy === 'master' && (variant === 'public' || !this.deps.pyramids.marksPublic),
          pyramid: true, scaleFactors: pyramid.info.levels.map((_, k) => 2 ** k),
        };
      }
    }
    if (variant === 'original') {
      const path = this.deps.blobs.localPath(file.sha256);
      return {
        identifier: identifier!, workId, sha256: file.sha256, width: file.width, height: file.height,
        source: { kind: 'original', file: path ?? '', width: file.width, height: file.height, maxPixels: this.deps.maxImagePixels },
        sourceKey: `o:${file.sha256}`, shared: shared && policy === 'master', pyramid: false, ...(path ? {} : { remoteBlob: file.sha256 }),
      };
    }
    const display = derivatives.find((d) => d.source_sha256 === file.sha256 && d.name === 'display');
    // Being made by its job: come back soon (503 + Retry-After), rather than a 404 a viewer would keep.
    if (!display) throw new AppError('busy', `the image ${identifier} is still being prepared`, { key: 'iiif.image_not_ready', params: { identifier: identifier!, retryAfterSeconds: 30 } });
    const path = this.deps.blobs.localPath(display.sha256);
    return {
      identifier: identifier!, workId, sha256: file.sha256, width: display.width, height: display.height,
      source: { kind: 'original', file: path ?? '', width: display.width, height: display.height, maxPixels: this.deps.maxImagePixels },
      sourceKey: `d:${display.sha256}`, shared: isPublic && !canEdit, pyramid: false, ...(path ? {} : { remoteBlob: display.sha256 }),
    };
  }

  /** The image's info.json, its `id` being `serviceId` (absolute). */
  info(image: ResolvedImage, serviceId: string): ImageInfo {
    return imageInfo({ id: serviceId, width: image.width, height: image.height, limits: IIIF_LIMITS, tileSize: IIIF_TILE_SIZE, ...(image.scaleFactors ? { scaleFactors: image.scaleFactors } : {}) });
  }

  /** Renders one request (from the cache when it was rendered before); refusals are AppErrors. */
  async render(image: ResolvedImage, parts: ImageRequestParts): Promise<CachedImage & { canonical: string }> {
    let canonical: string;
    let request;
    try {
      request = parseImageRequest(parts, image, IIIF_LIMITS);
      canonical = canonicalImagePath(request, image, IIIF_LIMITS);
    } catch (error) {
      if (error instanceof IiifRequestError) {
        const code = error.code === 'iiif.upscale_unsupported' ? 'not_implemented' : 'invalid_input';
        throw new AppError(code, error.message, { key: error.code, params: error.params } as ConstructorParameters<typeof AppError>[2]);
      }
      throw error;
    }
    const key = `${image.sourceKey}/${canonical}`;
    const cached = this.deps.cache.get(key);
    if (cached) return { ...cached, canonical };
    // A viewer's aligned tile is a tile the pyramid stores: sent as it is, nothing decoded.
    let fromTiles: ServablePyramid | null = null;
    if (image.servedPyramid) {
      const pages = await this.deps.pyramids.storedTiles(image.servedPyramid);
      const stored = pages && storedTileOf(image.servedPyramid.info, pages, request);
      // A file that cannot be read as indexed falls through to rendering, which reports the pyramid broken.
      const data = stored ? await readStoredTile(image.servedPyramid.file, stored).catch(() => null) : null;
      if (data) {
        const entry = { data, mediaType: 'image/jpeg', etag: etagOf(image, canonical) };
        this.deps.cache.set(key, entry);
        return { ...entry, canonical };
      }
      if (this.deps.tileRegions && tileRegionApplies(image.servedPyramid.info, pages, request)) fromTiles = image.servedPyramid;
    }
    // Renders beyond what the machine does at once wait in a short queue; past it, 503 + Retry-After.
    const rendered = await this.deps.admission.run(async () => {
      // Small JPEG regions from the stored tiles in a render thread; should that fail, sharp tries
      // (and reports the pyramid broken if it fails too).
      if (fromTiles) {
        const data = await this.deps.tileRegions!.render(this.pyramidKey(fromTiles), fromTiles.file, fromTiles.info, request).catch(() => null);
        if (data) return { data, mediaType: 'image/jpeg' };
      }
      try {
        // A remote store's blob is copied to a bounded temporary file for the render (pyramids, the large images, stay local).
        if (image.remoteBlob && image.source.kind === 'original') {
          const source = image.source;
          return await this.deps.blobs.withLocalFile(image.remoteBlob, (file) => renderImageRequest({ ...source, file }, request));
        }
        return await renderImageRequest(image.source, request);
      } catch (error) {
        if (!image.pyramid) throw error;
        // A broken pyramid: rebuilt by its job; this request is served from the original meanwhile.
        await this.deps.pyramids.broken(image.sha256, image.pyramidVariant);
        if (image.servedPyramid) this.deps.tileRegions?.forget(this.pyramidKey(image.servedPyramid));
        this.deps.cache.forget(`${image.sourceKey}/`);
        this.anonymous.clear();
        return this.deps.blobs.withLocalFile(image.sha256, (original) =>
          renderImageRequest({ kind: 'original', file: original, width: image.width, height: image.height, maxPixels: this.deps.maxImagePixels }, request));
      }
    });
    const entry = { data: rendered.data, mediaType: rendered.mediaType, etag: etagOf(image, canonical) };
    this.deps.cache.set(key, entry);
    return { ...entry, canonical };
  }

  private pyramidKey(pyramid: ServablePyramid): string {
    let key = this.pyramidKeys.get(pyramid);
    if (!key) this.pyramidKeys.set(pyramid, (key = String(this.nextPyramidKey++)));
    return key;
  }
}

/** The entity tag of one answer: its source's key and its canonical request. */
function etagOf(image: ResolvedImage, canonical: string): string {
  return `"${image.sourceKey.replace(':', '-')}-${hashOf(canonical)}"`;
}

/** A short, stable tag for a canonical path (ETags need no cryptographic strength here). */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
