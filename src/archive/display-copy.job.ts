import { z } from 'zod';
import type { WorkRepository } from './work.repository.js';
import { BlobTooLargeForLocalError, type BlobStore } from '../platform/blob-store.js';
import { PermanentJobError, type JobHandler } from '../platform/jobs/worker.js';
import { DisplayRenderError, makeDisplayImage, makePlaceholder, type DisplayPixels } from '../media/image-probe.js';

const payloadSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * Job: make the large display copy and the ThumbHash placeholder of an image (the thumbnail was
 * made at ingest). Idempotent: re-running overwrites the same rows.
 */
export function displayDerivativeHandler(deps: {
  blobs: BlobStore;
  repo: WorkRepository;
  maxImagePixels: number;
  /**
   * Marks the public display copy (an invisible watermark naming the work), when configured: gets
   * the decoded pixels and returns the encoded copy, or null to leave it unmarked.
   */
  marker?: () => ((sourceSha256: string, pixels: DisplayPixels) => Promise<Buffer | null>) | null;
}): JobHandler {
  return async (payload) => {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError('bad payload for media.display');
    const { sha256 } = parsed.data;
    if (!(await deps.blobs.has(sha256))) throw new PermanentJobError(`blob ${sha256} is missing from the store`);
    let display;
    try {
      // One decode feeds the display copy and its watermark.
      const mark = deps.marker?.();
      display = await deps.blobs.withLocalFile(sha256, (local) => makeDisplayImage(local, deps.maxImagePixels, mark ? (pixels) => mark(sha256, pixels) : undefined));
    } catch (error) {
      // An undecodable image stays so; a failure while marking (the database, say) is worth a retry.
      if (error instanceof DisplayRenderError) throw new PermanentJobError(`cannot render ${sha256}: ${error.message}`);
      if (error instanceof BlobTooLargeForLocalError) throw new PermanentJobError(`cannot render ${sha256}: ${error.message}`);
      throw error;
    }
    const stored = await deps.blobs.putBuffer(display.data, { durable: false });
    const thumbnail = (await deps.repo.derivativesOf([sha256])).find((d) => d.name === 'thumbnail');
    if (thumbnail && (await deps.blobs.has(thumbnail.sha256))) {
      await deps.repo.setPlaceholder(sha256, await makePlaceholder(await deps.blobs.read(thumbnail.sha256)));
    }
    await deps.repo.upsertDerivative(deps.repo.db, {
      source_sha256: sha256,
      name: display.name,
      sha256: stored.sha256,
      media_type: display.mediaType,
      width: display.width,
      height: display.height,
      created_at: new Date().toISOString(),
    });
  };
}
