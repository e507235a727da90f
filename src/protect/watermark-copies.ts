import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { withDecodeBudget } from '../media/decode-budget.js';
import { DISPLAY_SIZE } from '../media/image-probe.js';
import type { WorkReader, WorkRow } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { canEditWork, canReadWork } from '../govern/roles.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { FingerprintRepository, WatermarkCopyRow } from './fingerprint.repository.js';
import type { CopyRecord } from './protect-contract.js';
import { protectPool } from './protect-pool.js';
import { embedWatermark, PAYLOAD_BYTES, type EmbedOptions, type RawImage } from './watermark/index.js';

/** The largest serial a 48-bit payload carries. */
export const MAX_SERIAL = 2 ** (PAYLOAD_BYTES * 8) - 1;

/** The watermark payload of a copy: its serial as 6 big-endian bytes. */
export function serialToPayload(serial: number): Uint8Array {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > MAX_SERIAL) throw new RangeError(`copy serial must be 1…${MAX_SERIAL}, got ${serial}`);
  const out = new Uint8Array(PAYLOAD_BYTES);
  let rest = serial;
  for (let i = PAYLOAD_BYTES - 1; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** The copy serial a decoded payload names. */
export function payloadToSerial(payload: Uint8Array): number {
  if (payload.length !== PAYLOAD_BYTES) throw new RangeError(`a payload is ${PAYLOAD_BYTES} bytes, got ${payload.length}`);
  return payload.reduce((n, byte) => n * 256 + byte, 0);
}

export type { CopyRecord };

function copyRecord(row: WatermarkCopyRow, accountName: string | null): CopyRecord {
  return {
    serial: Number(row.serial),
    workId: row.work_id,
    purpose: row.purpose,
    recipient: row.recipient_name ?? accountName,
    recipientId: row.recipient_id,
    reference: row.reference,
    outputSha256: row.output_sha256,
    createdAt: row.created_at,
  };
}

export interface IssuedCopy {
  serial: number;
  data: Buffer;
  mediaType: string;
  fileName: string;
}

/** Hands out watermarked copies of works' images, each recorded so a leaked copy names its recipient. */
export class WatermarkCopyService {
  constructor(
    private readonly deps: {
      repo: FingerprintRepository;
      works: WorkReader;
      blobs: BlobStore;
      watermarkKey: () => Uint8Array;
      maxImagePixels: number;
      /** "Display name (username)" of an account, for naming recipients. */
      userName?: (id: string) => Promise<string | null>;
      /** The archive's download policy in force for a work (its own, its collection's, its rights'). */
      downloadPolicy?: (work: WorkRow) => Promise<string>;
    },
  ) {}

  /**
   * A watermarked JPEG of the work's main image for `actor`. The copy's record is written before
   * the bytes exist, so no marked copy can leave without a row that names its recipient.
   */
  async issue(actor: Actor, workId: string, options: { reference?: string | null }): Promise<IssuedCopy> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    // A reader's own copy is a download like any other: a work offered for none gives none.
    const policy = !canEditWork(actor, work) && this.deps.downloadPolicy ? await this.deps.downloadPolicy(work) : null;
    if (policy === 'none') throw new AppError('download_restricted', 'this work is not offered for download, not even as a watermarked copy', { key: 'file.download_restricted', params: { policy } });
    // Under `display` a reader gets no more than the display copy's size, marked with their own serial.
    return this.make(work.id, work.primary_file_sha256, { recipient_id: actor.id, recipient_name: null, purpose: 'download', reference: options.reference ?? null, issued_by: actor.id }, policy === 'display' ? DISPLAY_SIZE : null);
  }

  /**
   * A licensed copy: made by someone who manages the work for a named licensee (a studio, a film crew,
   * often without an account here), so a leaked copy decodes to that licensee and licence reference.
   */
  async issueLicensed(actor: Actor, workId: string, options: { licensee: string; licenseeUserId?: string | null; reference?: string | null }): Promise<IssuedCopy> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work can issue licensed copies of it', { key: 'copy.issue_forbidden', params: { id: workId } });
    const licensee = options.licensee.trim();
    if (!licensee) throw new AppError('invalid_input', 'a licensed copy needs the licensee’s name', { key: 'copy.licensee_required' });
    return this.make(work.id, work.primary_file_sha256, {
      recipient_id: options.licenseeUserId ?? null,
      recipient_name: licensee,
      purpose: 'licence',
      reference: options.reference?.trim() || null,
      issued_by: actor.id,
    });
  }

  /**
   * A copy for a licence grant: the license module has checked that the grant is in force and that
   * the reader holds it, so no management right is asked here. The reference names the grant.
   */
  async issueUnderGrant(input: { workId: string; licensee: string; licenseeUserId: string; reference: string; issuedBy: string }): Promise<IssuedCopy> {
    const work = await this.deps.works.findById(input.workId);
    if (!work) throw CommonErrors.notFound('work', { id: input.workId });
    return this.make(work.id, work.primary_file_sha256, { recipient_id: input.licenseeUserId, recipient_name: input.licensee, purpose: 'licence', reference: input.reference, issued_by: input.issuedBy });
  }

  /** The copies issued of a work, newest first (for those who manage it). */
  async listCopies(actor: Actor, workId: string): Promise<CopyRecord[]> {
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work can see who received its copies', { key: 'copy.list_forbidden', params: { id: workId } });
    const rows = await this.deps.repo.copiesOfWork(workId);
    const names = new Map<string, string | null>();
    for (const row of rows) {
      if (row.recipient_id && !row.recipient_name && !names.has(row.recipient_id)) names.set(row.recipient_id, (await this.deps.userName?.(row.recipient_id)) ?? null);
    }
    return rows.map((row) => copyRecord(row, row.recipient_id ? names.get(row.recipient_id) ?? null : null));
  }

  private async make(workId: string, sha256: string | null,
    who: Pick<WatermarkCopyRow, 'recipient_id' | 'recipient_name' | 'purpose' | 'reference' | 'issued_by'>, maxSide: number | null = null): Promise<IssuedCopy> {
    const file = sha256 ? await this.deps.works.findFile(sha256) : undefined;
    if (!sha256 || !file || file.kind !== 'image') throw new AppError('invalid_input', `work ${workId} has no image to make a watermarked copy of`, { key: 'copy.no_image', params: { id: workId } });
    if (!(await this.deps.blobs.has(sha256))) throw new AppError('not_found', `the file of work ${workId} is missing from the store`, { key: 'not_found.work_blob', params: { id: workId } });
    const serial = await this.deps.repo.insertCopy(this.deps.repo.db, {
      work_id: workId,
      source_sha256: sha256,
      output_sha256: null,
      ...who,
      created_at: new Date().toISOString(),
    });
    let marked: Awaited<ReturnType<typeof embedWatermark>>;
    try {
      marked = await this.deps.blobs.withLocalFile(sha256, async (local) => {
        const source = maxSide
          ? await withDecodeBudget(local, { shrinkTo: maxSide, maxPixels: this.deps.maxImagePixels }, () =>
            sharp(local, { limitInputPixels: this.deps.maxImagePixels }).autoOrient().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).png().toBuffer())
          : local;
        return embedWatermark(source, { key: this.deps.watermarkKey(), payload: serialToPayload(serial), format: 'jpeg', quality: 92, maxPixels: this.deps.maxImagePixels });
      });
    } catch (error) {
      await this.deps.repo.deleteCopy(serial); // nothing left the archive: the record would name a copy that never existed
      throw error;
    }
    await this.deps.repo.setCopyOutput(serial, createHash('sha256').update(marked.data).digest('hex'));
    const stem = (file.original_name.replace(/\.[^.]*$/, '') || 'image').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80);
    return { serial, data: marked.data, mediaType: 'image/jpeg', fileName: `${stem}.wenyuan-${serial}.jpg` };
  }

  /**
   * Marks the public display copy of a stored image with a copy serial of purpose `public`, so a
   * screenshot of the public site decodes to the work even when its fingerprint no longer matches.
   * Images too small to carry a mark, or held by no work, are returned unmarked.
   */
  async markPublic(sourceSha256: string, pixels: RawImage): Promise<Buffer | null> {
    // The display job's decoded pixels: no decode of an intermediate JPEG.
    return (await this.markAsPublic(sourceSha256, pixels, { format: 'jpeg', quality: 85, chromaSubsampling: '4:2:0' }, false))?.data ?? null;
  }

  /**
   * The same public mark on a full-resolution frame, returned as marked raw pixels (a public IIIF
   * pyramid is made from them). The frame's memory is handed to the marking thread and back: the
   * caller must use only the returned pixels. Null when it cannot carry a mark.
   */
  async markPublicFrame(sourceSha256: string, pixels: RawImage): Promise<RawImage | null> {
    const marked = await this.markAsPublic(sourceSha256, pixels, { format: 'raw' }, true);
    return marked ? { data: marked.data, width: marked.width, height: marked.height, channels: pixels.channels } : null;
  }

  private async markAsPublic(sourceSha256: string, pixels: RawImage, output: Pick<EmbedOptions, 'format' | 'quality' | 'chromaSubsampling'>, handOver: boolean) {
    const holder = (await this.deps.repo.worksHoldingFiles([sourceSha256]))[0];
    if (!holder) return null;
    const serial = await this.deps.repo.insertCopy(this.deps.repo.db, {
      work_id: holder.workId,
      source_sha256: sourceSha256,
      output_sha256: null,
      recipient_id: null,
      recipient_name: null,
      purpose: 'public',
      reference: null, // the purpose says it all, in the reader's language
      created_at: new Date().toISOString(),
      issued_by: null,
    });
    try {
      // Marked in a worker thread: the arithmetic would otherwise hold the main thread (and its requests).
      const marked = await protectPool.embed(pixels, { key: this.deps.watermarkKey(), payload: serialToPayload(serial), ...output, maxPixels: this.deps.maxImagePixels }, handOver);
      await this.deps.repo.setCopyOutput(serial, createHash('sha256').update(marked.data).digest('hex'));
      return marked;
    } catch (error) {
      await this.deps.repo.deleteCopy(serial);
      if (error instanceof AppError) return null; // too small, odd or already marked: the copy stays as it is
      throw error;
    }
  }
}
