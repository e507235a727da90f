import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of browsing and search, with their parameters (see platform/errors.ts). */
export const DISCOVER_ERROR_KEYS = errorKeys({
  /** `maxResults`: how deep paging may go; `pageSize`: the page size asked for. */
  'catalogue.page_too_deep': ['maxResults'],
  /** `group`: the group's position (from 1); `variant`: the variant with nothing to search for (only punctuation). */
  'synonyms.unsearchable': ['group', 'variant'],
  /** `group`: the group's position (from 1), whose variants are all the same. */
  'synonyms.single_variant': ['group'],
  /** `workIds`: the picks that are not public works (a pick is shown to everyone). */
  'recommend.picks_not_public': ['workIds'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof DISCOVER_ERROR_KEYS> {}
}
