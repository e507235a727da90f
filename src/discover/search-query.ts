import { stemEnglish } from './search-stem.js';
import { CJK, WORD, cjkGrams, foldDiacritics, foldText, type QueryTerm } from './search-text.js';

/**
 * What a query asks of the index: a token (exact or as a prefix), any of several, or all of several.
 * Tokens hold only letters and digits, so the repository can quote them for FTS5 or tsquery as is.
 */
export type Match = QueryTerm | { any: Match[] } | { all: Match[] };

/** One required part of a query (every part must match, in any field), and the word a typo may hide in. */
export interface QueryPart {
  match: Match;
  /** A Latin word of 5+ letters: when nothing matches it, its 1-edit neighbours in the vocabulary may. */
  fuzzy?: string;
}

/** Synonym groups: each group's variants (国画, 中国画, Chinese painting) stand for one another. */
export type Thesaurus = readonly (readonly string[])[];

/** Parts past this are dropped, as are synonym variants past MAX_LEAVES tokens in all. */
export const MAX_PARTS = 32;
export const MAX_LEAVES = 256;
/** Typo tolerance: a word needs this many letters, and so does each neighbour it may stand for. */
export const FUZZY_MIN_LETTERS = 5;
const FUZZY_MAX_LETTERS = 24;

interface Unit {
  text: string;
  cjk: boolean;
}

/** Folded text as words in order: CJK runs and Latin/digit words (diacritics off). */
function unitsOf(text: string): Unit[] {
  const units: Unit[] = [];
  for (const match of foldText(text).matchAll(WORD)) {
    const word = match[0];
    if (!CJK.test(word)) {
      units.push({ text: foldDiacritics(word), cjk: false });
      continue;
    }
    // 故畫00082600000 → 故画, 00082600000.
    for (const piece of word.split(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}]+)/u)) {
      if (piece) units.push({ text: CJK.test(piece) ? piece : foldDiacritics(piece), cjk: CJK.test(piece) });
    }
  }
  return units;
}

const sameUnit = (a: Unit, b: Unit): boolean => a.cjk === b.cjk && (a.cjk ? a.text === b.text : stemEnglish(a.text) === stemEnglish(b.text));

/**
 * A Latin word: itself, or its stem (paintings finds painting). Only the word still being typed (the
 * query's last) is a prefix: a prefix scans every indexed word it begins, which at a million works costs
 * hundreds of milliseconds per word, and words followed by another are whole.
 */
function wordMatch(word: string, prefix: boolean): Match {
  const stem = stemEnglish(word);
  const typed: QueryTerm = { token: word, prefix };
  return stem === word ? typed : { any: [typed, { token: stem, prefix: false }] };
}

function leafCount(match: Match): number {
  return 'token' in match ? 1 : ('any' in match ? match.any : match.all).reduce((n, m) => n + leafCount(m), 0);
}

/** Every token of one variant (a synonym), as one conjunction; `last` is the unit still being typed, if any. */
function variantMatch(units: Unit[], last?: Unit): Match {
  const parts = units.flatMap((u) => (u.cjk ? cjkGrams(u.text).map((token): Match => ({ token, prefix: false })) : [wordMatch(u.text, u === last)]));
  return parts.length === 1 ? parts[0]! : { all: parts };
}

/** Splits CJK runs around the variants they contain (longest first), so a variant is a unit of its own. */
function splitAround(units: Unit[], cjkVariants: string[]): Unit[] {
  const cut = (text: string): Unit[] => {
    if (!text) return [];
    for (const variant of cjkVariants) {
      const at = text.indexOf(variant);
      if (at >= 0) return [...cut(text.slice(0, at)), { text: variant, cjk: true }, ...cut(text.slice(at + variant.length))];
    }
    return [{ text, cjk: true }];
  };
  return units.flatMap((u) => (u.cjk ? cut(u.text) : [u]));
}

/**
 * Turns what a user typed into required parts: each Latin word (or its stem; the last as a prefix), each CJK bigram,
 * and each phrase the thesaurus knows as any of its group's variants. Empty when nothing is searchable.
 */
export function parseQuery(query: string, thesaurus: Thesaurus = []): QueryPart[] {
  const groups = thesaurus.map((group) => group.map(unitsOf).filter((units) => units.length > 0));
  const variants = groups.flatMap((group, index) => group.map((units) => ({ units, index }))).sort((a, b) => b.units.length - a.units.length || b.units.reduce((n, u) => n + u.text.length, 0) - a.units.reduce((n, u) => n + u.text.length, 0));
  const cjkVariants = variants.filter((v) => v.units.length === 1 && v.units[0]!.cjk).map((v) => v.units[0]!.text);
  const units = splitAround(unitsOf(query.slice(0, 500)), cjkVariants);
  const last = units.at(-1)?.cjk === false ? units.at(-1) : undefined;

  const parts: QueryPart[] = [];
  const seen = new Set<string>();
  let leaves = 0;
  const push = (part: QueryPart) => {
    const key = JSON.stringify(part.match);
    if (seen.has(key) || parts.length >= MAX_PARTS) return;
    seen.add(key);
    leaves += leafCount(part.match);
    parts.push(part);
  };
  for (let i = 0; i < units.length && parts.length < MAX_PARTS; ) {
    const found = variants.find((v) => v.units.length <= units.length - i && v.units.every((u, k) => sameUnit(u, units[i + k]!)));
    if (found) {
      const typed = units.slice(i, i + found.units.length);
      // Every group that has this variant, all their variants; the typed words stay required as typed when over budget.
      const alternatives = variants.filter((v) => v.units.length === found.units.length && v.units.every((u, k) => sameUnit(u, typed[k]!))).flatMap((v) => groups[v.index]!);
      const options: Match[] = [variantMatch(typed, last)];
      for (const option of alternatives) {
        if (option.length === typed.length && option.every((u, k) => sameUnit(u, typed[k]!))) continue; // the typed variant, already first
        const match = variantMatch(option);
        if (leaves + options.reduce((n, m) => n + leafCount(m), 0) + leafCount(match) > MAX_LEAVES) break;
        if (!options.some((o) => JSON.stringify(o) === JSON.stringify(match))) options.push(match);
      }
      push({ match: options.length === 1 ? options[0]! : { any: options } });
      i += found.units.length;
      continue;
    }
    const unit = units[i++]!;
    if (unit.cjk) {
      for (const token of cjkGrams(unit.text)) push({ match: { token, prefix: false } });
    } else {
      const letters = /^[a-z]+$/.test(unit.text) && unit.text.length >= FUZZY_MIN_LETTERS && unit.text.length <= FUZZY_MAX_LETTERS;
      push({ match: wordMatch(unit.text, unit === last), ...(letters ? { fuzzy: unit.text } : {}) });
    }
  }
  return parts;
}

/** Whether a text has anything to search for (not only punctuation, spaces or emoji). */
export function isSearchable(text: string): boolean {
  return unitsOf(text).length > 0;
}
