import { ANONYMOUS } from '../govern/roles.js';
import { AppError } from '../platform/errors.js';
import type { PresentationService } from '../publish/presentation.service.js';
import { iiifPaths, thumbnailOf } from '../publish/presentation.service.js';
import { buildExhibitionManifest, type ExhibitionCanvasInput, type ExhibitionManifest } from './exhibition-manifest.js';
import { exhibitionManifestPath, type ExhibitionService, type StoredMedia } from './exhibition.service.js';
import type { WorkSet } from './showcase-works.js';
import './showcase.errors.js';

/**
 * The IIIF export of published exhibitions. It is the same document for everyone (shared links and
 * caches): built as an anonymous visitor sees the exhibition, so a work made private after
 * publishing is simply not in it, nor its title, nor its image.
 */
export class ExhibitionExportService {
  constructor(private readonly deps: { exhibitions: ExhibitionService; presentation: Pick<PresentationService, 'provider'> }) {}

  async manifest(slug: string, base: string): Promise<{ manifest: ExhibitionManifest; version: number }> {
    const missing = () => new AppError('not_found', `exhibition ${slug} has no IIIF manifest`, { key: 'showcase.exhibition_not_found', params: { id: slug.slice(0, 80) } });
    const found = await this.deps.exhibitions.publicRecord(slug);
    if (!found) throw missing();
    const { record, works } = found;
    const canvases: ExhibitionCanvasInput[] = record.sections.flatMap((section) => {
      const canvas = section.media ? canvasOf(section.media, works, base) : null;
      return canvas ? [{ sectionId: section.id, heading: section.heading, body: section.body, region: section.media?.region, canvas }] : [];
    });
    // An exhibition whose sections show no image still has its cover to show.
    if (canvases.length === 0 && record.cover) {
      const canvas = canvasOf(record.cover, works, base);
      if (canvas) canvases.push({ sectionId: 'cover', heading: record.title, body: record.summary ?? undefined, region: record.cover.region, canvas });
    }
    if (canvases.length === 0) throw missing();
    const manifest = buildExhibitionManifest({
      slug,
      manifestId: base + exhibitionManifestPath(slug),
      title: record.title,
      summary: record.summary ?? undefined,
      provider: await this.deps.presentation.provider(base),
      homepage: `${base}/exhibitions/${slug}`,
      canvases,
    });
    return { manifest, version: record.row.version };
  }
}

/** The canvas of a media reference: its image (as a visitor may see it), sized by its full pixels; null without one. */
function canvasOf(media: StoredMedia, works: WorkSet, base: string): ExhibitionCanvasInput['canvas'] | null {
  if (!works.visibleTo(ANONYMOUS, media.workId)) return null;
  const file = works.fileOf(media);
  if (!file || file.kind !== 'image' || !file.width || !file.height) return null;
  const card = works.card(ANONYMOUS, media.workId, file.sha256, base);
  return {
    label: card?.title,
    width: file.width,
    height: file.height,
    imageServiceId: base + iiifPaths.image(media.workId, file.sha256),
    mediaType: 'image/jpeg',
    thumbnail: thumbnailOf(base, media.workId, file, works.derivativesOf(media.workId)),
  };
}
