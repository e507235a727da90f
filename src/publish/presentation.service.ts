import type { ArchiveServices } from '../archive/archive.module.js';
import type { WorkMetadata } from '../archive/metadata.schema.js';
import type { DerivativeRow } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import type { InstanceServices } from '../instance/instance.module.js';
import { CommonErrors } from '../platform/errors.js';
import type { RegistryServices } from '../registry/registry.module.js';
import { imageIdentifier } from './iiif-image.service.js';
import { readableWork } from './readable-work.js';
import { annotationPage, type AnnotationPageDocument } from './iiif/annotations.js';
import {
  buildCollection, buildManifest, collectionPageId, MAX_COLLECTION_ITEMS, pagedCollectionRefs, type CanvasInput, type Collection,
  type CollectionItemInput, type Manifest, type ProviderInput,
} from './iiif/presentation.js';

/** Where this instance's IIIF documents live, under an absolute base URL (the public URL, else the request's origin). */
export const iiifPaths = {
  manifest: (workId: string) => `/iiif/3/manifests/${workId}`,
  image: (workId: string, sha256: string) => `/iiif/3/${imageIdentifier(workId, sha256)}`,
  collection: (id: string) => `/iiif/3/collections/${id}`,
  archive: () => '/iiif/3/collections/all',
};

const THUMBNAIL_FIT = 400;

/**
 * IIIF Presentation 3.0 documents: a manifest per work (its image files as canvases, in order) and
 * collections (each public collection, nested, and the whole public archive). Manifests follow the
 * archive's access rule (a work the reader may not read is missing); collections list only public
 * works and public collections, whoever asks, so a shared link never reveals a private one.
 */
export class PresentationService {
  constructor(
    private readonly deps: {
      archive: Pick<ArchiveServices, 'works' | 'workReader' | 'collections'>;
      instance: Pick<InstanceServices, 'instance'>;
      registry: Pick<RegistryServices, 'registryReader'>;
    },
  ) {}

  async manifest(actor: Actor, workId: string, base: string): Promise<{ manifest: Manifest; shared: boolean; version: number }> {
    const missing = () => CommonErrors.notFound('iiif_manifest', { id: workId.slice(0, 64) }, `work ${workId.slice(0, 64)} has no IIIF manifest`);
    const { work, files, derivatives } = await readableWork(this.deps.archive.works, actor, workId, missing);
    const images = files.filter((f) => f.kind === 'image' && f.width && f.height);
    if (images.length === 0) throw missing();
    const m = work.metadata;
    const manifestId = base + iiifPaths.manifest(work.id);
    const canvases: CanvasInput[] = images.map((file, i) => ({
      label: { none: String(i + 1) },
      // Described regions of this image: one AnnotationPage, fetched by viewers that show them.
      ...(m.annotations.some((a) => a.file === file.sha256) ? { annotationPageIds: [`${manifestId}/annotations/${i + 1}`] } : {}),
      width: file.width!,
      height: file.height!,
      imageServiceId: base + iiifPaths.image(work.id, file.sha256),
      mediaType: 'image/jpeg',
      thumbnail: thumbnailOf(base, work.id, file, derivatives),
    }));
    const collection = work.collectionId ? await this.deps.archive.collections.get(actor, work.collectionId).catch(() => null) : null;
    const registrations = await this.deps.registry.registryReader.entriesOfWork(work.id);
    const latest = registrations.at(-1);
    const manifest = buildManifest({
      workId: work.id,
      manifestId,
      label: m.title,
      summary: m.description,
      metadata: {
        creators: m.creators.map((c) => ({ name: c.name, role: c.role, lifeDates: c.lifeDates, nationality: c.nationality })),
        date: m.date?.display ?? yearRange(m.date),
        medium: m.medium,
        dimensions: m.dimensions,
        place: m.place,
        subjects: m.subjects,
        inscriptions: m.inscriptions,
        provenance: m.provenance,
        institution: m.institution,
        collections: collection ? [collection.name] : [],
        identifiers: [
          ...(m.inventoryNumber ? [{ kind: 'inventory' as const, value: m.inventoryNumber }] : []),
          { kind: 'record' as const, value: work.id },
          ...(latest ? [{ kind: 'registration' as const, value: latest.registration_id }] : []),
        ],
        sourceUrl: m.sourceUrl,
        notes: m.notes,
      },
      rights: m.rights,
      provider: await this.provider(base),
      homepage: `${base}/works/${work.id}`,
      recordUrl: `${base}/api/works/${work.id}`,
      ...(latest ? { receiptUrl: `${base}/api/registry/registrations/${latest.registration_id}/receipt.json` } : {}),
      navYear: m.date?.earliest,
      viewingDirection: m.viewingDirection,
      partOf: collection?.visibility === 'public' ? [{ id: base + iiifPaths.collection(collection.id), label: collection.name }] : [],
      canvases,
    });
    return { manifest, shared: work.visibility === 'public', version: work.version };
  }

  /** The described regions of canvas `n` (1-based) of a work's manifest, as an AnnotationPage. */
  async annotationPage(actor: Actor, workId: string, n: number, base: string): Promise<{ page: AnnotationPageDocument; shared: boolean; version: number }> {
    const missing = () => CommonErrors.notFound('iiif_manifest', { id: workId.slice(0, 64) }, `work ${workId.slice(0, 64)} has no annotation page ${n}`);
    const { work, files } = await readableWork(this.deps.archive.works, actor, workId, missing);
    const image = files.filter((f) => f.kind === 'image' && f.width && f.height)[n - 1];
    if (!image) throw missing();
    const manifestId = base + iiifPaths.manifest(work.id);
    const page = annotationPage(`${manifestId}/annotations/${n}`, `${manifestId}/canvas/${n}`, work.metadata.annotations.filter((a) => a.file === image.sha256));
    return { page, shared: work.visibility === 'public', version: work.version };
  }

  /**
   * A public collection (`id`) or the whole public archive (`id` null): its public sub-collections
   * and the public works with images in it. More than MAX_COLLECTION_ITEMS works are split into
   * sub-collections of that many (`page` 1, 2, …), as Presentation 3 has no paging of its own.
   */
  async collection(id: string | null, base: string, page: number | null): Promise<Collection> {
    const everyone: Actor = { kind: 'anonymous' };
    const collectionId = id === null ? base + iiifPaths.archive() : base + iiifPaths.collection(id);
    const missing = () => CommonErrors.notFound('iiif_collection', { id: (id ?? 'all').slice(0, 64) }, `no public collection ${(id ?? 'all').slice(0, 64)}`);
    const all = await this.deps.archive.collections.list(everyone);
    const own = id === null ? null : all.find((c) => c.id === id && c.visibility === 'public');
    if (id !== null && !own) throw missing();
    const identity = await this.deps.instance.instance.identity();
    const label = own ? own.name : Object.keys(identity.name).length > 0 ? identity.name : { en: 'Public archive', 'zh-Hans': '公开馆藏' };
    const total = await this.deps.archive.workReader.countPublicImageWorks(id);
    const pages = Math.ceil(total / MAX_COLLECTION_ITEMS);
    let items: CollectionItemInput[];
    if (page !== null) {
      if (!Number.isInteger(page) || page < 1 || page > Math.max(1, pages)) throw missing();
      items = await this.workItems(id, base, (page - 1) * MAX_COLLECTION_ITEMS, MAX_COLLECTION_ITEMS);
    } else {
      // Nested collections first (public ones only: a private one is not there at all).
      const children = all.filter((c) => c.visibility === 'public' && c.parentId === (id ?? null));
      const childItems: CollectionItemInput[] = children.map((c) => ({ type: 'Collection', id: base + iiifPaths.collection(c.id), label: c.name }));
      const works = pages > 1 ? pagedCollectionRefs(collectionId, total) : await this.workItems(id, base, 0, MAX_COLLECTION_ITEMS);
      items = [...childItems, ...works];
    }
    return buildCollection({
      id: page !== null ? collectionPageId(collectionId, page) : collectionId,
      label,
      ...(own?.description ? { summary: own.description } : {}),
      provider: await this.provider(base),
      homepage: `${base}/`,
      ...(page !== null ? { partOf: [{ id: collectionId, label }] } : own?.parentId ? { partOf: [{ id: base + iiifPaths.collection(own.parentId), label: all.find((c) => c.id === own.parentId)?.name ?? label }] } : {}),
      items,
    });
  }

  private async workItems(collectionId: string | null, base: string, offset: number, limit: number): Promise<CollectionItemInput[]> {
    const reader = this.deps.archive.workReader;
    const rows = await reader.publicImageWorks(collectionId, offset, limit);
    const metadata = await reader.metadataOf(rows.map((r) => r.id));
    const primaries = rows.flatMap((r) => (r.primary_file_sha256 ? [r.primary_file_sha256] : []));
    const derivatives = await reader.derivativesOf(primaries);
    return rows.map((row) => {
      const title = (JSON.parse(metadata.get(row.id) ?? '{}') as Partial<WorkMetadata>).title ?? { none: row.id };
      const thumb = derivatives.find((d) => d.source_sha256 === row.primary_file_sha256 && d.name === 'thumbnail');
      return {
        type: 'Manifest' as const,
        id: base + iiifPaths.manifest(row.id),
        label: Object.values(title).some((v) => v) ? title : { none: row.id },
        ...(thumb && row.primary_file_sha256 ? { thumbnail: { url: `${base}/api/works/${row.id}/files/${row.primary_file_sha256}/thumbnail`, width: thumb.width, height: thumb.height, mediaType: thumb.media_type } } : {}),
      };
    });
  }

  /** The institution as a IIIF `provider` (none before setup names it). */
  async provider(base: string): Promise<ProviderInput | undefined> {
    const identity = await this.deps.instance.instance.identity();
    if (Object.values(identity.name).every((v) => !v)) return undefined;
    return {
      id: `${base}/`,
      label: identity.name,
      homepage: `${base}/`,
      ...(identity.logoUrl ? { logo: { url: identity.logoUrl.startsWith('http') ? identity.logoUrl : base + identity.logoUrl, width: 256, height: 256, mediaType: 'image/png' } } : {}),
    };
  }
}

/** The file's thumbnail (the archive's WebP), else one from its image service. */
export function thumbnailOf(base: string, workId: string, file: { sha256: string; width: number | null; height: number | null }, derivatives: DerivativeRow[]): CanvasInput['thumbnail'] {
  const thumb = derivatives.find((d) => d.source_sha256 === file.sha256 && d.name === 'thumbnail');
  if (thumb) return { url: `${base}/api/works/${workId}/files/${file.sha256}/thumbnail`, width: thumb.width, height: thumb.height, mediaType: thumb.media_type };
  const scale = Math.min(1, THUMBNAIL_FIT / Math.max(file.width!, file.height!));
  return { url: `${base}${iiifPaths.image(workId, file.sha256)}/full/!${THUMBNAIL_FIT},${THUMBNAIL_FIT}/0/default.jpg`, width: Math.max(1, Math.round(file.width! * scale)), height: Math.max(1, Math.round(file.height! * scale)), mediaType: 'image/jpeg' };
}

/** "1368–1644" (or one year) when the record has years but no written date. */
function yearRange(date: WorkMetadata['date']): { none: string } | undefined {
  if (date?.earliest === undefined) return undefined;
  const year = (y: number) => (y < 0 ? `${-y} BCE` : String(y));
  return { none: date.latest !== undefined && date.latest !== date.earliest ? `${year(date.earliest)}–${year(date.latest)}` : year(date.earliest) };
}
