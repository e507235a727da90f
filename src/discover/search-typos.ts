import { FUZZY_MIN_LETTERS } from './search-query.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Neighbours a misspelt word may stand for, at most: the commonest first, so a query stays cheap. */
export const MAX_TYPO_ALTERNATIVES = 6;

/**
 * Every word one edit away from `word` (a letter deleted, inserted, replaced, or two neighbours
 * swapped) with at least FUZZY_MIN_LETTERS letters: the candidates to look up in the vocabulary.
 * About 54 per letter, so a 12-letter word gives some 650.
 */
export function editCandidates(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1]! + tail[0]! + tail.slice(2));
    for (const letter of LETTERS) {
      if (tail && letter !== tail[0]) out.add(head + letter + tail.slice(1));
      out.add(head + letter + tail);
    }
  }
  out.delete(word);
  return [...out].filter((w) => w.length >= FUZZY_MIN_LETTERS);
}
