import path from 'node:path';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { AppError, notice, type Notice } from '../platform/errors.js';

export type FileKind = 'image' | 'audio' | 'video' | 'pdf' | 'model' | 'text' | 'other';

export interface SniffedType {
  mediaType: string;
  kind: FileKind;
  /** Set when the file name's extension promises a different kind of content. */
  mismatch?: Notice;
  /** Set when the extension promises a media file but the bytes are no known format at all. */
  unreadable?: string;
}

// Browsers and sharp handle these; other image types (e.g. HEIC, PSD) are stored but not rendered.
export const RENDERABLE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/tiff', 'image/webp', 'image/gif', 'image/avif']);

// The format names sharp/libvips report for decoded images, and their media types.
const IMAGE_FORMAT_MEDIA_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff', heif: 'image/heif', avif: 'image/avif' };

/** The media type of an image format as the decoder names it (`jpeg` → `image/jpeg`), or null. */
export function mediaTypeOfImageFormat(format: string | null | undefined): string | null {
  return IMAGE_FORMAT_MEDIA_TYPES[format ?? ''] ?? null;
}

/** The decoder's format name for an image media type (`image/jpeg` → `jpeg`; AVIF and HEIC are `heif`), or null. */
export function imageFormatOfMediaType(mediaType: string): string | null {
  if (mediaType === 'image/avif' || mediaType === 'image/heic') return 'heif';
  return Object.entries(IMAGE_FORMAT_MEDIA_TYPES).find(([, type]) => type === mediaType)?.[0] ?? null;
}

const EXTENSION_KINDS: Record<string, { kind: FileKind; mediaType: string }> = {
  '.jpg': { kind: 'image', mediaType: 'image/jpeg' },
  '.jpeg': { kind: 'image', mediaType: 'image/jpeg' },
  '.png': { kind: 'image', mediaType: 'image/png' },
  '.tif': { kind: 'image', mediaType: 'image/tiff' },
  '.tiff': { kind: 'image', mediaType: 'image/tiff' },
  '.webp': { kind: 'image', mediaType: 'image/webp' },
  '.gif': { kind: 'image', mediaType: 'image/gif' },
  '.mp3': { kind: 'audio', mediaType: 'audio/mpeg' },
  '.flac': { kind: 'audio', mediaType: 'audio/flac' },
  '.wav': { kind: 'audio', mediaType: 'audio/wav' },
  '.ogg': { kind: 'audio', mediaType: 'audio/ogg' },
  '.m4a': { kind: 'audio', mediaType: 'audio/mp4' },
  '.mp4': { kind: 'video', mediaType: 'video/mp4' },
  '.mov': { kind: 'video', mediaType: 'video/quicktime' },
  '.webm': { kind: 'video', mediaType: 'video/webm' },
  '.mkv': { kind: 'video', mediaType: 'video/x-matroska' },
  '.pdf': { kind: 'pdf', mediaType: 'application/pdf' },
  '.glb': { kind: 'model', mediaType: 'model/gltf-binary' },
  '.gltf': { kind: 'model', mediaType: 'model/gltf+json' },
  '.obj': { kind: 'model', mediaType: 'model/obj' },
  '.stl': { kind: 'model', mediaType: 'model/stl' },
  '.ply': { kind: 'model', mediaType: 'model/x-ply' },
  '.txt': { kind: 'text', mediaType: 'text/plain' },
};

function kindOfMediaType(mediaType: string): FileKind {
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType.startsWith('model/')) return 'model';
  const top = mediaType.split('/')[0];
  if (top === 'image' || top === 'audio' || top === 'video') return top;
  return 'other';
}

/**
 * Decides a file's type from its bytes (magic numbers), not its name. Formats without magic
 * numbers (OBJ, ASCII STL/PLY, plain text) fall back to the extension.
 */
/** corrupt_file for a file whose name promises media that its bytes are not (`unreadable` of sniffFile). */
export function unreadableFileError(originalName: string, type: Pick<SniffedType, 'unreadable'>): AppError {
  const ext = path.extname(originalName).toLowerCase();
  const kind = EXTENSION_KINDS[ext]?.kind ?? 'other';
  return new AppError('corrupt_file', type.unreadable ?? `name ends in ${ext} but the content is not a readable ${kind} file`, { key: 'file.unreadable', params: { ext, kind } });
}

export async function sniffFile(filePath: string | null, originalName: string, head?: Buffer): Promise<SniffedType> {
  const ext = path.extname(originalName).toLowerCase();
  const claimed = EXTENSION_KINDS[ext];
  // The head captured while storing usually suffices; only unknown ones are read again in full.
  const detected = (head ? await fileTypeFromBuffer(head) : undefined) ?? (filePath ? await fileTypeFromFile(filePath) : undefined);
  if (detected) {
    const kind = kindOfMediaType(detected.mime);
    const mismatch =
      claimed && claimed.kind !== kind
        ? notice('notice.extension_mismatch', `name ends in ${ext} but the content is ${detected.mime}; stored as ${detected.mime}`, { ext, mediaType: detected.mime })
        : undefined;
    return { mediaType: detected.mime, kind, ...(mismatch ? { mismatch } : {}) };
  }
  if (claimed && (claimed.kind === 'model' || claimed.kind === 'text')) return claimed;
  if (claimed) {
    return { mediaType: 'application/octet-stream', kind: 'other', unreadable: `name ends in ${ext} but the content is not a readable ${claimed.kind} file (corrupt, truncated or mislabelled)` };
  }
  return { mediaType: 'application/octet-stream', kind: 'other' };
}
