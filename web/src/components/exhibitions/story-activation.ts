/**
 * Which section of a story is "current" as the reader scrolls: the one crossing a reading line a
 * little above the middle of the window. The page watches the sections with an IntersectionObserver
 * whose root margin shrinks the window to that line (`READING_LINE_MARGIN`); these functions turn
 * what it reports into the current section. Pure, so the rules are tested without a browser.
 */

/** Where the reading line sits, as a fraction of the window's height from its top. */
export const READING_LINE = 0.4;

/** The IntersectionObserver root margin that leaves only a thin band at the reading line. */
export const READING_LINE_MARGIN = `-${Math.round(READING_LINE * 100)}% 0px -${Math.round((1 - READING_LINE) * 100) - 1}% 0px`;

/** Updates the set of sections crossing the reading line with one batch of observer entries. */
export function applyIntersections(crossing: ReadonlySet<string>, entries: readonly { id: string; isIntersecting: boolean }[]): Set<string> {
  const next = new Set(crossing);
  for (const entry of entries) {
    if (entry.isIntersecting) next.add(entry.id);
    else next.delete(entry.id);
  }
  return next;
}

/**
 * The current section: the first (in reading order) of those crossing the reading line; when none
 * does (the reader is in the gap between two, or above the first) the previous one stays, so the
 * image does not jump back to the cover between sections.
 */
export function activeSection(order: readonly string[], crossing: ReadonlySet<string>, previous: string | null): string | null {
  for (const id of order) if (crossing.has(id)) return id;
  return previous !== null && order.includes(previous) ? previous : null;
}

/**
 * The same from the sections' positions (their top and bottom relative to the window, as
 * getBoundingClientRect gives them): used once on load and after a jump to an anchor, before the
 * observer has said anything. The last section whose top is above the line, or null above the first.
 */
export function sectionAtLine(sections: readonly { id: string; top: number; bottom: number }[], viewportHeight: number): string | null {
  const line = viewportHeight * READING_LINE;
  let found: string | null = null;
  for (const section of sections) {
    if (section.top <= line) found = section.id;
    else break;
  }
  return found;
}

/** How far through the story the reader is: the current section's 1-based number of `count`, 0 before the first. */
export function progressOf(order: readonly string[], active: string | null): { index: number; count: number; fraction: number } {
  const index = active === null ? 0 : order.indexOf(active) + 1;
  const count = order.length;
  return { index, count, fraction: count ? index / count : 0 };
}

/**
 * Which section's picture the image pane shows while `active` is current: its own, else that of the
 * nearest section above it with a picture (a text-only section keeps the picture it follows), else
 * null (the cover). `hasPicture` holds, in reading order, whether each section shows one.
 */
export function pictureSection(order: readonly string[], hasPicture: readonly boolean[], active: string | null): number | null {
  const at = active === null ? -1 : order.indexOf(active);
  for (let i = at; i >= 0; i--) if (hasPicture[i]) return i;
  return null;
}
