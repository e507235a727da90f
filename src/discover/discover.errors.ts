import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of browsing and search, with their parameters (see platform/errors.ts). */
export const DISCOVER_ERROR_KEYS = errorKeys({
  /** `maxResults`: how deep paging may go; `pageSize`: the page size asked for. */
  'catalogue.page_too_deep': ['maxResults'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof DISCOVER_ERROR_KEYS> {}
}
