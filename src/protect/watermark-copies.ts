import { createHash } from 'node:crypto';
import type { WorkRepository } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { canReadWork } from '../govern/roles.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { FingerprintRepository, WatermarkCopyRow } from './fingerprint.repository.js';
import { embedWatermark, PAYLOAD_BYTES } from './watermark/index.js';

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
      works: WorkRepository;
      blobs: BlobStore;
      watermarkKey: () => Uint8Array;
      maxImagePixels: number;
    },
  ) {}

  /**
   * A watermarked JPEG of the work's main image for `actor`. The copy's record is written before
   * the bytes exist, so no marked copy can leave without a row that names its recipient.
   */
  async issue(actor: Actor, workId: string, options: { purpose: WatermarkCopyRow['purpose']; reference?: string | null }): Promise<IssuedCopy> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound(`work ${workId}`);
    const sha256 = work.primary_file_sha256;
    const file = sha256 ? await this.deps.works.findFile(sha256) : undefined;
    if (!sha256 || !file || file.kind !== 'image') throw new AppError('invalid_input', `work ${workId} has no image to make a watermarked copy of`);
    const local = this.deps.blobs.localPath(sha256);
    if (!local) throw new AppError('not_found', `the file of work ${workId} is missing from the store`);
    const serial = await this.deps.repo.insertCopy(this.deps.repo.db, {
      work_id: workId,
      source_sha256: sha256,
      output_sha256: null,
      recipient_id: actor.id,
      purpose: options.purpose,
      reference: options.reference ?? null,
      created_at: new Date().toISOString(),
    });
    const marked = await embedWatermark(local, { key: this.deps.watermarkKey(), payload: serialToPayload(serial), format: 'jpeg', quality: 92, maxPixels: this.deps.maxImagePixels });
    await this.deps.repo.setCopyOutput(serial, createHash('sha256').update(marked.data).digest('hex'));
    const stem = (file.original_name.replace(/\.[^.]*$/, '') || 'image').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80);
    return { serial, data: marked.data, mediaType: 'image/jpeg', fileName: `${stem}.wenyuan-${serial}.jpg` };
  }

  /**
   * Marks the public display copy of a stored image with a copy serial of purpose `public`, so a
   * screenshot of the public site decodes to the work even when its fingerprint no longer matches.
   * Images too small to carry a mark, or held by no work, are returned unmarked.
   */
  async markPublic(sourceSha256: string, image: Buffer): Promise<Buffer> {
    const holder = (await this.deps.repo.worksHoldingFiles([sourceSha256]))[0];
    if (!holder) return image;
    const serial = await this.deps.repo.insertCopy(this.deps.repo.db, {
      work_id: holder.workId,
      source_sha256: sourceSha256,
      output_sha256: null,
      recipient_id: null,
      purpose: 'public',
      reference: 'display copy',
      created_at: new Date().toISOString(),
    });
    try {
      const marked = await embedWatermark(image, { key: this.deps.watermarkKey(), payload: serialToPayload(serial), format: 'jpeg', quality: 85, maxPixels: this.deps.maxImagePixels });
      await this.deps.repo.setCopyOutput(serial, createHash('sha256').update(marked.data).digest('hex'));
      return marked.data;
    } catch (error) {
      if (error instanceof AppError) return image; // too small or odd: the copy stays unmarked
      throw error;
    }
  }
}
