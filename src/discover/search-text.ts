import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js';
import { stemEnglish } from './search-stem.js';

let jieba: Jieba | null = null;
/** The jieba segmenter with its default dictionary, loaded on first use. */
export function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

// Traditional → Simplified (with variant characters such as 谿 → 溪), so either script finds both.
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

/** One CJK ideograph. */
export const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}]/u;
/** A run of CJK ideographs (global: use with matchAll, split or match). */
export const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}]+/gu;
/** A word: letters and digits (global). */
export const WORD = /[\p{L}\p{N}]+/gu;

/** Folds text for matching: NFKC (full-width → half-width), lower case, Traditional → Simplified. */
export function foldText(text: string): string {
  const lowered = text.normalize('NFKC').toLowerCase();
  // The converter only changes Chinese characters; skipping it for other text is most of a fold's cost saved.
  return CJK.test(lowered) ? toSimplified(lowered) : lowered;
}

/** A Latin word without its diacritics and tone marks (Müller → muller, lǚ → lu), as index and query spell it. */
export function foldDiacritics(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** The CJK bigrams of a run (the character itself when alone): what a CJK query must match. */
export function cjkGrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

/**
 * Index tokens for a document: Latin/number words, every CJK character and CJK bigram (so any
 * substring of two or more characters matches, whatever the segmenter decides), and jieba's
 * search-mode words (so a whole word ranks higher). Latin words lose their diacritics and also
 * give their English stem (paintings → paint), which a query word's stem then matches.
 */
export function indexTokens(text: string): string[] {
  const folded = foldText(text.slice(0, 200_000));
  const tokens = new Set<string>();
  const latin = (word: string) => {
    const plain = foldDiacritics(word);
    tokens.add(plain);
    tokens.add(stemEnglish(plain));
  };
  for (const match of folded.matchAll(WORD)) {
    const word = match[0];
    if (!CJK.test(word)) latin(word);
    // The Latin/digit parts of a mixed word (故畫00082600000), as queryTerms splits them.
    else for (const part of word.split(CJK_RUN)) if (part) latin(part);
  }
  for (const match of folded.matchAll(CJK_RUN)) {
    const run = match[0];
    for (const ch of run) tokens.add(ch);
    for (const gram of cjkGrams(run)) tokens.add(gram);
    if ([...run].length > 2) for (const word of segmenter().cutForSearch(run, true)) if ([...word].length > 2) tokens.add(word);
  }
  return [...tokens];
}

/** A query as groups of tokens that must all match: CJK runs become bigrams, Latin words prefixes. */
export interface QueryTerm {
  token: string;
  prefix: boolean;
}

/** Turns what a user typed into required terms. Empty when there is nothing searchable. */
export function queryTerms(query: string): QueryTerm[] {
  const folded = foldText(query.slice(0, 500));
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const add = (token: string, prefix: boolean) => {
    const key = `${token}|${prefix}`;
    if (!seen.has(key)) {
      seen.add(key);
      terms.push({ token, prefix });
    }
  };
  for (const match of folded.matchAll(WORD)) {
    const word = match[0];
    if (CJK.test(word)) {
      for (const run of word.match(CJK_RUN) ?? []) for (const gram of cjkGrams(run)) add(gram, false);
      for (const part of word.split(CJK_RUN)) if (part) add(foldDiacritics(part), true);
    } else {
      add(foldDiacritics(word), true);
    }
  }
  return terms.slice(0, 32);
}
