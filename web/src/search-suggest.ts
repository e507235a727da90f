import { catalogueSearchHref } from './catalogue-query';
import type { SearchSuggestion } from './types';

/** How long typing must pause before suggestions are asked for (milliseconds). */
export const SUGGEST_DEBOUNCE_MS = 120;
/** The server's longest prefix; longer input asks for nothing. */
const MAX_PREFIX = 200;

/** Whether typed text is worth asking suggestions for. */
export function wantsSuggestions(typed: string): boolean {
  const text = typed.trim();
  return text.length > 0 && text.length <= MAX_PREFIX;
}

/** Where choosing a suggestion goes: a title to its work, a creator or place to a search for it. */
export function suggestionHref(suggestion: SearchSuggestion): string {
  if (suggestion.kind === 'title' && suggestion.workId) return `/works/${encodeURIComponent(suggestion.workId)}`;
  return catalogueSearchHref({ q: suggestion.label });
}

/**
 * The option made active by a key in a list of `count` (-1: none, focus stays in the box): the
 * arrows move and wrap through "none", Home and End jump; other keys leave it.
 */
export function moveActive(active: number, count: number, key: string): number {
  if (count === 0) return -1;
  switch (key) {
    case 'ArrowDown':
      return active >= count - 1 ? -1 : active + 1;
    case 'ArrowUp':
      return active < 0 ? count - 1 : active - 1;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return active;
  }
}
