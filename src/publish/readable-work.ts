import type { ArchiveServices } from '../archive/archive.module.js';
import type { Actor } from '../govern/roles.js';
import { AppError } from '../platform/errors.js';

/**
 * A work with its files and derivatives, when the reader may read it; otherwise the caller's own
 * "missing" error (an image, a manifest): a private work is as missing as an unknown one, on every
 * IIIF route alike.
 */
export async function readableWork(works: ArchiveServices['works'], actor: Actor, workId: string, missing: () => Error) {
  try {
    return await works.withFiles(actor, workId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw missing();
    throw error;
  }
}
