/**
 * A light English stemmer for the search index: plurals (an S-stemmer, after Harman 1991), then
 * -ing / -ed, then a final -e, so `paintings`, `painted` and `painting` share the stem `paint`, and
 * `carve`, `carved`, `carvings` the stem `carv`. Stems are index tokens, never shown, so they need
 * not be words; what matters is that the index and the query stem alike. Heavier suffixes (-er,
 * -ion, -ly) are kept: `painter` is not `painting`.
 */

const VOWEL = /[aeiouy]/;
// Undoubled after -ing/-ed (stopping → stop) except where English keeps the pair (falling → fall).
const DOUBLE = /([b-df-hj-km-np-rtv-xz])\1$/;
const KEEP_DOUBLE = /(ll|ss|zz|ff)$/;

function plural(word: string): string {
  if (word.length <= 3 || !word.endsWith('s')) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/(aes|ees|oes)$/.test(word)) return word.slice(0, -1);
  if (/(us|ss|is)$/.test(word)) return word;
  return word.slice(0, -1);
}

function verbal(word: string): string {
  for (const suffix of ['ing', 'ed']) {
    if (!word.endsWith(suffix)) continue;
    const rest = word.slice(0, -suffix.length);
    // "bring", "red", "string": too short or no vowel left, so the ending is part of the word.
    if (rest.length < 3 || !VOWEL.test(rest)) return word;
    return DOUBLE.test(rest) && !KEEP_DOUBLE.test(rest) ? rest.slice(0, -1) : rest;
  }
  return word;
}

/** The stem of one lower-case Latin word (other words come back unchanged). */
export function stemEnglish(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  let stem = verbal(plural(word));
  if (stem.length > 4 && stem.endsWith('e')) stem = stem.slice(0, -1);
  return stem;
}
