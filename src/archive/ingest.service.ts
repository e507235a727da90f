import type { Readable } from 'node:stream';
import type { Actor } from '../govern/roles.js';
import { canReadWork, CONTRIBUTOR_ROLES, hasRole } from '../govern/roles.js';
import { cleanFileName, titleFromFileName } from '../media/file-name.js';
import { sniffFile, RENDERABLE_IMAGES, unreadableFileError } from '../media/file-kind.js';
import { probeImage } from '../media/image-probe.js';
import { BlobTooLargeError, type BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors, notice, type Notice } from '../platform/errors.js';
import type { WorkMetadataInput } from './metadata.schema.js';
import type { WorkRepository } from './work.repository.js';
import type { StoredFileInput, Visibility, Work, WorkService } from './work.service.js';

export interface IngestOptions {
  metadata?: WorkMetadataInput;
  visibility?: Visibility;
  collectionId?: string | null;
  sourceKey?: string | null;
  /** Attach to this work instead of creating a new one. */
  workId?: string;
}

export type IngestResult =
  | { status: 'imported'; workId: string; sha256: string; warnings: string[]; notices: Notice[] }
  | { status: 'unchanged'; workId: string; sha256: string; warnings: string[]; notices: Notice[] };

/**
 * Turns a byte stream into an archived file: stream into the blob store (hash on the way),
 * check the content, make the thumbnail, then create the work and its jobs in one transaction.
 * A crash before the transaction leaves at most an unreferenced blob, never a half work.
 */
export class IngestService {
  constructor(
    private readonly blobs: BlobStore,
    private readonly works: WorkService,
    private readonly repo: WorkRepository,
    private readonly limits: { maxUploadBytes: number; maxImagePixels: number },
  ) {}

  async ingest(actor: Actor, source: Readable, rawName: string, options: IngestOptions = {}): Promise<IngestResult> {
    if (!hasRole(actor, CONTRIBUTOR_ROLES)) throw CommonErrors.forbidden('only admins, curators and creators can add files', { key: 'file.add_forbidden' });
    const name = cleanFileName(rawName);
    const stored = await this.store(source);
    // No name here: like every other per-file error, the caller prefixes the file name.
    if (stored.size === 0) throw CommonErrors.invalid('file is empty (0 bytes)', { key: 'file.empty' });
    // Identical content is reported as already archived only through works the actor may read;
    // another user's private work must not reveal itself, so the actor then gets a work of their own.
    const holders = (await this.repo.worksWithFile(stored.sha256)).filter((h) => canReadWork(actor, h));
    const target = options.workId ?? null;
    const existing = target ? holders.find((h) => h.work_id === target) : holders[0];
    if (existing) {
      return { status: 'unchanged', workId: existing.work_id, sha256: stored.sha256, warnings: [], notices: [] };
    }
    const prepared = await this.prepare(stored.sha256, stored.size, name, stored.head);
    let work: Work;
    if (target) {
      work = await this.works.addFiles(actor, target, [prepared.file]);
    } else {
      const metadata: WorkMetadataInput = options.metadata ?? { title: { und: titleFromFileName(name) } };
      work = await this.works.create(actor, {
        metadata,
        visibility: options.visibility ?? 'private',
        collectionId: options.collectionId ?? null,
        sourceKey: options.sourceKey ?? null,
        files: [prepared.file],
      });
    }
    return { status: 'imported', workId: work.id, sha256: stored.sha256, warnings: prepared.warnings, notices: prepared.notices };
  }

  /** Streams into the blob store, translating the size limit into a clear error. */
  async store(source: Readable): Promise<{ sha256: string; size: number; head?: Buffer }> {
    try {
      return await this.blobs.put(source, { maxBytes: this.limits.maxUploadBytes });
    } catch (error) {
      if (error instanceof BlobTooLargeError) {
        throw fileTooLarge(this.limits.maxUploadBytes);
      }
      throw error;
    }
  }

  /** Checks a stored blob and builds what the archive records about it (type, size, thumbnail). */
  async prepare(sha256: string, size: number, name: string, head?: Buffer): Promise<{ file: StoredFileInput; warnings: string[]; notices: Notice[] }> {
    const local = this.blobs.localPath(sha256);
    if (!local) throw new Error('blob store has no local path; remote stores stage to a temp file first');
    const type = await sniffFile(local, name, head);
    if (type.unreadable) throw unreadableFileError(name, type);
    const notices: Notice[] = type.mismatch ? [type.mismatch] : [];
    const file: StoredFileInput = { sha256, originalName: name, mediaType: type.mediaType, kind: type.kind, size };
    if (type.kind === 'image' && RENDERABLE_IMAGES.has(type.mediaType)) {
      const image = await probeImage(local, this.limits.maxImagePixels);
      const thumb = await this.blobs.putBuffer(image.thumbnail.data, { durable: false });
      file.width = image.width;
      file.height = image.height;
      file.derivatives = [{ name: 'thumbnail', sha256: thumb.sha256, mediaType: image.thumbnail.mediaType, width: image.thumbnail.width, height: image.thumbnail.height }];
    } else if (type.kind === 'image') {
      notices.push(notRendered(type.mediaType));
    }
    return { file, warnings: notices.map((n) => n.message), notices };
  }
}

/** payload_too_large for a file over the upload limit (`limit`: the limit in bytes). */
export function fileTooLarge(limit: number): AppError {
  return new AppError('payload_too_large', `file is larger than the upload limit of ${formatBytes(limit)}`, { key: 'file.too_large', params: { limitBytes: limit } });
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 === 0 ? 0 : 1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/** The notice for an image the archive keeps but cannot render (HEIC, PSD…). */
export function notRendered(mediaType: string): Notice {
  return notice('notice.not_rendered', `${mediaType} is stored but not rendered; no thumbnail`, { mediaType });
}
