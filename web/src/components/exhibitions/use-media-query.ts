import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now, following changes (false where there is no window). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const list = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null;
      list?.addEventListener('change', notify);
      return () => list?.removeEventListener('change', notify);
    },
    () => (typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query).matches : false),
    () => false,
  );
}

/** Wide enough for the two-column story (phones stack image over text). */
export const WIDE_STORY = '(min-width: 721px)';
export const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';
