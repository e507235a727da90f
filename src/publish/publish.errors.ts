import { errorKeys, type KeyParams } from '../platform/errors.js';
import { IIIF_ERROR_PARAMS } from './iiif/image-request.js';

/** The message keys of the IIIF services, with their parameters (see platform/errors.ts). */
export const PUBLISH_ERROR_KEYS = errorKeys({
  // Malformed or unsatisfiable Image API requests (400; upscale_unsupported 501).
  ...IIIF_ERROR_PARAMS,
  /** An image identifier that names no image this reader may see (the same answer for a private one). */
  'not_found.iiif_image': ['identifier'],
  /** A work with no image this reader may see has no manifest. */
  'not_found.iiif_manifest': ['id'],
  'not_found.iiif_collection': ['id'],
  /** The display copy visitors are shown is still being made (503 + Retry-After). */
  'iiif.image_not_ready': ['identifier', 'retryAfterSeconds'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof PUBLISH_ERROR_KEYS> {}
}
