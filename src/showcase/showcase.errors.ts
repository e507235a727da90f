import { errorKeys, type KeyParams } from '../platform/errors.js';

/**
 * The message keys of exhibitions and the home page, with their parameters (see platform/errors.ts).
 * Where a reference sits: `place` is `cover`, `section` (then `sectionId` names it; empty otherwise)
 * or `featured` (the home page's settings).
 */
export const SHOWCASE_ERROR_KEYS = errorKeys({
  /** `id`: the slug or id asked for; drafts and scheduled exhibitions answer the same to visitors. */
  'showcase.exhibition_not_found': ['id'],
  'showcase.exhibition_changed': ['id', 'expected'],
  'showcase.slug_taken': ['slug'],
  'showcase.private_work': ['workId', 'sectionId', 'place'],
  'showcase.unknown_work': ['workId', 'sectionId', 'place'],
  /** `file`: the sha256 that is not one of the work's files. */
  'showcase.unknown_file': ['workId', 'file', 'sectionId', 'place'],
  /** `width`, `height`: the image's size the region must lie within. */
  'showcase.region_outside': ['workId', 'sectionId', 'place', 'width', 'height'],
  'showcase.unknown_collection': ['collectionId'],
  'showcase.private_collection': ['collectionId'],
  'showcase.unknown_exhibition': ['exhibitionId'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof SHOWCASE_ERROR_KEYS> {}
}
