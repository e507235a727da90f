import type { Readable } from 'node:stream';
import type { Actor } from '../govern/roles.js';
import { canReadWork, CONTRIBUTOR_ROLES, hasRole } from '../govern/roles.js';
import { cleanFileName, titleFromFileName } from '../media/file-name.js';
import { sniffFile, RENDERABLE_IMAGES, unreadableFileError } from '../media/file-kind.js';
import { probeImage } from '../media/image-probe.js';
import { BlobTooLargeError, BlobTooLargeForLocalError, type BlobStore, type StagedBlob } from '../platform/blob-store.js';
import { AppError, CommonErrors, notice, type Notice } from '../platform/errors.js';
import type { WorkMetadataInput } from './metadata.schema.js';
import type { WorkRepository } from './work.repository.js';
import type { StoredFileInput, Visibility, Work, WorkService, WriteHooks } from './work.service.js';

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

export interface IngestLimits {
  maxUploadBytes: number;
  maxImagePixels: number;
  /** Creators' upload quota in bytes (0 or absent: none). */
  uploadQuotaBytes?: number;
  /** Admins' and curators' upload quota in bytes (0 or absent: none). */
  staffUploadQuotaBytes?: number;
}

/** How much a user has uploaded: bytes of the originals in the works they own, and their quota (null: none). */
export interface UploadUsage {
  usedBytes: number;
  quotaBytes: number | null;
}

/** A concurrent identical upload by the same owner committed first (thrown to roll the loser back). */
class DuplicateUpload extends Error {
  constructor(readonly workId: string) {
    super(`the same file was uploaded at the same time as work ${workId}`);
  }
}

/**
 * Turns a byte stream into an archived file: stage it beside the blob store (hash on the way),
 * check the content, make the thumbnail, then create the work and its jobs in one transaction
 * that moves the bytes into the store as its last step. A refused file (empty, corrupt, a bomb,
 * over the quota) so leaves nothing behind, and deletes only its own staged copy, never bytes an
 * accepted file or a concurrent upload holds. A crash before the commit leaves at most an
 * unreferenced blob (swept after a day), never a half work.
 */
export class IngestService {
  constructor(
    private readonly blobs: BlobStore,
    private readonly works: WorkService,
    private readonly repo: WorkRepository,
    private readonly limits: IngestLimits,
  ) {}

  /** The actor's upload quota in bytes, or null when they have none. */
  quotaOf(actor: Actor): number | null {
    if (actor.kind !== 'user') return null;
    const quota = actor.role === 'creator' ? this.limits.uploadQuotaBytes : actor.role === 'admin' || actor.role === 'curator' ? this.limits.staffUploadQuotaBytes : 0;
    return quota && quota > 0 ? quota : null;
  }

  /** What the actor has uploaded, against their quota. */
  async usage(actor: Actor): Promise<UploadUsage> {
    if (actor.kind !== 'user') return { usedBytes: 0, quotaBytes: null };
    return { usedBytes: await this.repo.uploadedBytes(actor.id), quotaBytes: this.quotaOf(actor) };
  }

  /** Refuses with quota_exceeded when the actor's quota is used up (before any byte is read). */
  async requireRoom(actor: Actor): Promise<void> {
    const quota = this.quotaOf(actor);
    if (quota === null || actor.kind !== 'user') return;
    const used = await this.repo.uploadedBytes(actor.id);
    if (used >= quota) throw quotaExceeded(used, quota);
  }

  async ingest(actor: Actor, source: Readable, rawName: string, options: IngestOptions = {}): Promise<IngestResult> {
    if (!hasRole(actor, CONTRIBUTOR_ROLES) || actor.kind !== 'user') throw CommonErrors.forbidden('only admins, curators and creators can add files', { key: 'file.add_forbidden' });
    const name = cleanFileName(rawName);
    const quota = this.quotaOf(actor);
    const usedBytes = quota === null ? 0 : await this.repo.uploadedBytes(actor.id);
    if (quota !== null && usedBytes >= quota) throw quotaExceeded(usedBytes, quota);
    // Streaming stops as soon as the file outgrows what is left of the quota.
    const room = quota === null ? Number.POSITIVE_INFINITY : quota - usedBytes;
    const staged = await this.stage(source, room, () => quotaExceeded(usedBytes, quota ?? 0));
    try {
      // No name here: like every other per-file error, the caller prefixes the file name.
      if (staged.size === 0) throw CommonErrors.invalid('file is empty (0 bytes)', { key: 'file.empty' });
      // Identical content is reported as already archived only through works the actor may read;
      // another user's private work must not reveal itself, so the actor then gets a work of their own.
      const holders = (await this.repo.worksWithFile(staged.sha256)).filter((h) => canReadWork(actor, h));
      const target = options.workId ?? null;
      const existing = target ? holders.find((h) => h.work_id === target) : holders[0];
      if (existing) return unchanged(existing.work_id, staged.sha256);
      const prepared = await this.prepare(staged.sha256, staged.size, name, staged.head, staged.path);
      await staged.sync();
      const hooks: WriteHooks = {
        beforeCommit: async (trx, workId, attached) => {
          // Attached meanwhile by an identical request (a double click on "add file"): answer with it.
          if (!attached.includes(staged.sha256)) throw new DuplicateUpload(workId);
          if (quota !== null) {
            // Concurrent uploads by one user are counted one after the other; bytes they already hold count once.
            await this.repo.lockUploadsOf(trx, actor.id);
            const used = await this.repo.uploadedBytes(actor.id, trx);
            if (used > quota) throw quotaExceeded(Math.max(0, used - staged.size), quota);
          }
          if (!target) {
            const holder = await this.repo.takeUploadKey(trx, { owner_id: actor.id, sha256: staged.sha256, work_id: workId, created_at: new Date().toISOString() });
            if (holder) throw new DuplicateUpload(holder);
          }
          // Last: the bytes enter the store only for a work that commits right after.
          await staged.commit();
        },
      };
      let work: Work;
      try {
        if (target) {
          work = await this.works.addFiles(actor, target, [prepared.file], hooks);
        } else {
          const metadata: WorkMetadataInput = options.metadata ?? { title: { und: titleFromFileName(name) } };
          const input = { metadata, visibility: options.visibility ?? 'private', collectionId: options.collectionId ?? null, sourceKey: options.sourceKey ?? null, files: [prepared.file] };
          work = await this.works.create(actor, input, hooks);
        }
      } catch (error) {
        // A double click: the first of two identical uploads made the work; this one answers with it.
        if (error instanceof DuplicateUpload) return unchanged(error.workId, staged.sha256);
        // The same on PostgreSQL, where the unique (work, file) row refuses the second of two at once.
        if (target && (await this.repo.worksWithFile(staged.sha256)).some((h) => h.work_id === target)) return unchanged(target, staged.sha256);
        throw error;
      }
      return { status: 'imported', workId: work.id, sha256: staged.sha256, warnings: prepared.warnings, notices: prepared.notices };
    } finally {
      await staged.discard();
    }
  }

  /** Stages an upload, translating the size limit (or the quota, when it is the smaller) into a clear error. */
  private async stage(source: Readable, room: number, overQuota: () => AppError): Promise<StagedBlob> {
    const maxBytes = Math.min(this.limits.maxUploadBytes, room);
    try {
      return await this.blobs.stage(source, { maxBytes });
    } catch (error) {
      if (error instanceof BlobTooLargeError) throw maxBytes < this.limits.maxUploadBytes ? overQuota() : fileTooLarge(this.limits.maxUploadBytes);
      throw error;
    }
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
  async prepare(sha256: string, size: number, name: string, head?: Buffer, stagedPath?: string | null): Promise<{ file: StoredFileInput; warnings: string[]; notices: Notice[] }> {
    if (stagedPath) return this.prepareFile(sha256, size, name, head, stagedPath);
    if (stagedPath === undefined) {
      try {
        // A remote store copies the blob to a bounded temporary file; the local store lends its own.
        return await this.blobs.withLocalFile(sha256, (file) => this.prepareFile(sha256, size, name, head, file));
      } catch (error) {
        if (!(error instanceof BlobTooLargeForLocalError)) throw error;
      }
    }
    // Larger than a remote store's local bound: typed from its first bytes, stored unrendered.
    return this.prepareFile(sha256, size, name, head, null);
  }

  private async prepareFile(sha256: string, size: number, name: string, head: Buffer | undefined, local: string | null): Promise<{ file: StoredFileInput; warnings: string[]; notices: Notice[] }> {
    const type = await sniffFile(local, name, head);
    if (type.unreadable) throw unreadableFileError(name, type);
    const notices: Notice[] = type.mismatch ? [type.mismatch] : [];
    const file: StoredFileInput = { sha256, originalName: name, mediaType: type.mediaType, kind: type.kind, size };
    if (type.kind === 'image' && RENDERABLE_IMAGES.has(type.mediaType) && local) {
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

function unchanged(workId: string, sha256: string): IngestResult {
  return { status: 'unchanged', workId, sha256, warnings: [], notices: [] };
}

/** quota_exceeded: the file does not fit in what is left of the uploader's quota. */
export function quotaExceeded(usedBytes: number, quotaBytes: number): AppError {
  return new AppError('quota_exceeded', `the file does not fit in your upload quota: ${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} are used`, {
    key: 'upload.quota_exceeded',
    params: { usedBytes, quotaBytes },
  });
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
