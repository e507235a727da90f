import { RENDERABLE_IMAGES, sniffFile, type FileKind, type SniffedType } from '../../media/file-kind.js';
import { probeImage } from '../../media/image-probe.js';
import { formatBytes, notRendered } from '../ingest.service.js';
import { ImportItemError } from './import-util.js';

/** Kinds the archive renders or stores as works; anything else (documents, data, text) is imported only when asked. */
const MEDIA_KINDS: ReadonlySet<FileKind> = new Set(['image', 'audio', 'video', 'pdf', 'model']);

const MEDIA_WORDS = 'an image, audio, video, 3D model or PDF file';

/**
 * Why a file (typed by its bytes) is not media the archive makes works of, or null when it is. A file
 * whose name promises media but whose bytes are unreadable counts as media, so it fails with the reason.
 */
export function notMedia(type: Pick<SniffedType, 'kind' | 'mediaType' | 'unreadable'>): string | null {
  if (type.unreadable || MEDIA_KINDS.has(type.kind)) return null;
  if (type.mediaType === 'application/octet-stream') return `is not ${MEDIA_WORDS} (its bytes match none of the formats the archive knows)`;
  return `is ${type.mediaType}, not ${MEDIA_WORDS}`;
}

/** Refuses empty files and files over the upload limit, with the reason. */
export function checkSize(size: number, maxBytes: number): void {
  if (size === 0) throw new ImportItemError('file is empty (0 bytes)', { key: 'file.empty' });
  if (size > maxBytes) throw new ImportItemError(`file is larger than the upload limit of ${formatBytes(maxBytes)}`, { key: 'file.too_large', params: { limitBytes: maxBytes } });
}

/**
 * The checks IngestService.prepare makes, on the original file and without writing: prepare stores
 * the thumbnail it makes, which a dry run must not. Returns warnings; throws what prepare would.
 */
export async function checkContent(abs: string, name: string, maxImagePixels: number): Promise<string[]> {
  const type = await sniffFile(abs, name);
  if (type.unreadable) throw new ImportItemError(type.unreadable);
  const warnings = type.mismatch ? [type.mismatch.message] : [];
  if (type.kind === 'image' && RENDERABLE_IMAGES.has(type.mediaType)) await probeImage(abs, maxImagePixels);
  else if (type.kind === 'image') warnings.push(notRendered(type.mediaType).message);
  return warnings;
}
