import { pinyin } from 'pinyin-pro';
import type { WorkMetadata } from '../archive/metadata.schema.js';
import type { Match } from './search-query.js';
import { stemEnglish } from './search-stem.js';
import { CJK, CJK_RUN, WORD, foldDiacritics, foldText } from './search-text.js';

/** The metadata a snippet may quote, by the field it shows (the index's fields, split finer). */
export const SNIPPET_FIELDS = ['title', 'creator', 'inscription', 'annotation', 'subject', 'description', 'place', 'medium', 'date', 'institution', 'provenance', 'inventoryNumber'] as const;
export type SnippetField = (typeof SNIPPET_FIELDS)[number];

export interface SnippetSegment {
  text: string;
  match: boolean;
}

/** A window of one field's text in one language around what the query matched, as marked and unmarked runs. */
export interface Snippet {
  field: SnippetField;
  /** The language tag of the text quoted, or null when the field has none (an inventory number). */
  lang: string | null;
  segments: SnippetSegment[];
}

/** As the index weighs its fields (title 10 : creator 5 : inscription 2 : the rest 1). */
const WEIGHT: Record<SnippetField, number> = { title: 10, creator: 5, inscription: 2, annotation: 2, subject: 1, description: 1, place: 1, medium: 1, date: 1, institution: 1, provenance: 1, inventoryNumber: 1 };
/** The fields whose Chinese the index also reads as pinyin (search-index.ts). */
const PINYIN_FIELDS = new Set<SnippetField>(['title', 'creator', 'place']);
/** Texts longer than this are quoted whole; longer ones as a window of about this many characters. */
export const SNIPPET_WINDOW = 110;
/** Characters of context kept before the first match in a window. */
const LEAD = 30;
/** Only the start of a long text is searched for a snippet (a 20,000-character description costs little). */
const MAX_TEXT = 5_000;
const ELLIPSIS = '…';

interface Candidate {
  field: SnippetField;
  lang: string | null;
  text: string;
}

type Leaf = { token: string; prefix: boolean; cjk: boolean };

/** Every token a match tree asks for (synonyms, stems and typo neighbours included), once each. */
export function matchLeaves(match: Match): Leaf[] {
  const out = new Map<string, Leaf>();
  const walk = (m: Match) => {
    if ('token' in m) out.set(`${m.token}|${m.prefix}`, { token: m.token, prefix: m.prefix, cjk: CJK.test(m.token) });
    else for (const child of 'any' in m ? m.any : m.all) walk(child);
  };
  walk(match);
  return [...out.values()];
}

/** The texts of a work a snippet may quote, in field order, each with its language. */
function candidates(metadata: WorkMetadata, hidden: ReadonlySet<SnippetField>): Candidate[] {
  const out: Candidate[] = [];
  const add = (field: SnippetField, map: Record<string, string> | undefined | null) => {
    if (!map || hidden.has(field)) return;
    for (const [lang, text] of Object.entries(map)) if (typeof text === 'string' && text.trim()) out.push({ field, lang, text });
  };
  add('title', metadata.title);
  for (const creator of metadata.creators ?? []) add('creator', creator.name);
  for (const inscription of metadata.inscriptions ?? []) add('inscription', inscription.text);
  for (const annotation of metadata.annotations ?? []) {
    if (annotation.transcription && !hidden.has('annotation')) out.push({ field: 'annotation', lang: annotation.transcriptionLanguage ?? null, text: annotation.transcription });
    add('annotation', annotation.translation);
    add('annotation', annotation.owner?.name);
    add('annotation', annotation.note);
  }
  for (const subject of metadata.subjects ?? []) add('subject', subject);
  add('description', metadata.description);
  add('place', metadata.place);
  add('medium', metadata.medium);
  add('date', metadata.date?.display);
  add('institution', metadata.institution);
  add('provenance', metadata.provenance);
  if (metadata.inventoryNumber && !hidden.has('inventoryNumber')) out.push({ field: 'inventoryNumber', lang: null, text: metadata.inventoryNumber });
  return out;
}

/**
 * Text folded as the index folds it, with the position in the original (in code points) of each
 * folded code unit, so a match found in the folded text is marked in the text as written.
 */
export function foldedView(text: string): { chars: string[]; folded: string; origin: number[] } {
  const chars = [...text];
  // Traditional → Simplified only where there is Chinese: the converter is the costly part of folding.
  const fold = foldText;
  const whole = [...fold(text)];
  // Folding keeps one character per character almost always; when not (ligatures, İ), fold each alone.
  const pieces = whole.length === chars.length ? whole : chars.map(fold);
  let folded = '';
  const origin: number[] = [];
  pieces.forEach((piece, i) => {
    folded += piece;
    for (let k = 0; k < piece.length; k++) origin.push(i);
  });
  return { chars, folded, origin };
}

const pinyinSpelling = (s: string) => s.replaceAll('ü', 'u').replaceAll('v', 'u');

/** Where the leaves occur in one text: spans of code points, and how many leaves matched as written and by pinyin. */
export function findMatches(text: string, leaves: Leaf[], withPinyin: boolean): { spans: [number, number][]; written: number; byPinyin: number } {
  const { folded, origin } = foldedView(text.length > MAX_TEXT ? [...text].slice(0, MAX_TEXT).join('') : text);
  const spans: [number, number][] = [];
  const writtenLeaves = new Set<number>();
  const pinyinLeaves = new Set<number>();
  const span = (from: number, to: number) => spans.push([origin[from]!, origin[to - 1]! + 1]);

  leaves.forEach((leaf, index) => {
    if (!leaf.cjk) return;
    for (let at = folded.indexOf(leaf.token); at >= 0; at = folded.indexOf(leaf.token, at + 1)) {
      span(at, at + leaf.token.length);
      writtenLeaves.add(index);
    }
  });
  const latin = leaves.map((leaf, index) => ({ ...leaf, index })).filter((leaf) => !leaf.cjk);
  if (latin.length > 0) {
    for (const word of folded.matchAll(WORD)) {
      // The Latin parts of a mixed word (故畫00082600000), as the index splits them.
      const parts = CJK.test(word[0]) ? [...word[0].matchAll(/[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}]+/gu)] : [word];
      for (const part of parts) {
        const start = word.index + (part === word ? 0 : (part.index ?? 0));
        // Diacritics only where there are any; the stem only when the word itself did not match.
        const plain = /^[\x00-\x7f]*$/.test(part[0]) ? part[0] : foldDiacritics(part[0]);
        let stem: string | null = null;
        for (const leaf of latin) {
          let hit = leaf.prefix ? plain.startsWith(leaf.token) : plain === leaf.token;
          if (!hit && plain[0] === leaf.token[0]) {
            stem ??= stemEnglish(plain);
            hit = leaf.prefix ? stem.startsWith(leaf.token) : stem === leaf.token;
          }
          if (hit) {
            span(start, start + part[0].length);
            writtenLeaves.add(leaf.index);
          }
        }
      }
    }
    if (withPinyin) {
      const typed = latin.filter((leaf) => leaf.token.length >= 2 && /^[a-z]+$/.test(leaf.token));
      for (const run of typed.length > 0 ? folded.matchAll(CJK_RUN) : []) {
        const runChars = [...run[0]];
        const syllables = pinyin(run[0], { toneType: 'none', type: 'array' }).map(pinyinSpelling);
        if (syllables.length !== runChars.length) continue;
        // Code-unit offsets of each character of the run in the folded text.
        const offsets: number[] = [];
        let offset = run.index;
        for (const ch of runChars) {
          offsets.push(offset);
          offset += ch.length;
        }
        for (const leaf of typed) {
          const token = pinyinSpelling(leaf.token);
          for (let i = 0; i < syllables.length; i++) {
            for (const initials of [false, true]) {
              let read = '';
              for (let j = i; j < syllables.length; j++) {
                read += initials ? syllables[j]![0] : syllables[j]!;
                if (read === token || (leaf.prefix && read.startsWith(token))) {
                  span(offsets[i]!, offsets[j]! + runChars[j]!.length);
                  pinyinLeaves.add(leaf.index);
                  break;
                }
                if (!token.startsWith(read)) break;
              }
            }
          }
        }
      }
    }
  }
  return { spans, written: writtenLeaves.size, byPinyin: [...pinyinLeaves].filter((i) => !writtenLeaves.has(i)).length };
}

/** Text lower-cased (and, when not ASCII, width- and diacritic-folded), for a quick look whether a Latin token can be in it. */
function roughFold(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : foldDiacritics(text.normalize('NFKC').toLowerCase());
}

/** Merges overlapping or touching spans, in order. */
function merged(spans: [number, number][]): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/**
 * The marked window of a text: the whole text when short, else about SNIPPET_WINDOW characters
 * from a little before the place where most matches fall together, cut at spaces in Latin text,
 * with an ellipsis where text was left out. Runs of white space read as one space.
 */
export function windowSegments(text: string, spans: [number, number][]): SnippetSegment[] {
  const chars = [...text];
  const marks = merged(spans.filter(([from, to]) => to > from && from < chars.length).map(([from, to]): [number, number] => [from, Math.min(to, chars.length)]));
  let start = 0;
  let end = chars.length;
  if (chars.length > SNIPPET_WINDOW + 10) {
    // The match whose window holds the most matches anchors it (the first such).
    let anchor = marks[0]?.[0] ?? 0;
    let best = -1;
    for (const [from] of marks) {
      const inside = marks.filter(([f, t]) => f >= from && t <= from + SNIPPET_WINDOW - LEAD).length;
      if (inside > best) {
        best = inside;
        anchor = from;
      }
    }
    start = Math.max(0, Math.min(anchor - LEAD, chars.length - SNIPPET_WINDOW));
    end = Math.min(chars.length, start + SNIPPET_WINDOW);
    // Not mid-word in Latin text: move to the next space (or back to the previous one at the end), when one is near.
    const isSpace = (i: number) => /\s/.test(chars[i] ?? ' ');
    if (start > 0 && !isSpace(start - 1)) {
      for (let i = start; i < Math.min(anchor, start + 12); i++) {
        if (isSpace(i)) {
          start = i + 1;
          break;
        }
      }
    }
    if (end < chars.length && !isSpace(end)) {
      for (let i = end - 1; i > Math.max(start, end - 12); i--) {
        if (isSpace(i) && !marks.some(([f, t]) => f < end && t > i)) {
          end = i;
          break;
        }
      }
    }
  }
  const segments: SnippetSegment[] = [];
  const push = (piece: string, match: boolean) => {
    const text = piece.replace(/\s+/g, ' ');
    if (!text) return;
    const last = segments[segments.length - 1];
    if (last && last.match === match) last.text += text;
    else segments.push({ text, match });
  };
  if (start > 0) push(ELLIPSIS, false);
  let at = start;
  for (const [from, to] of marks) {
    if (to <= start || from >= end) continue;
    push(chars.slice(at, Math.max(at, from)).join(''), false);
    push(chars.slice(Math.max(at, from), Math.min(to, end)).join(''), true);
    at = Math.min(to, end);
  }
  push(chars.slice(at, end).join(''), false);
  if (end < chars.length) push(ELLIPSIS, false);
  // No white space at either edge (an ellipsis keeps its own).
  const first = segments[0];
  if (first && !first.match) first.text = first.text.replace(/^ /, '');
  const last = segments[segments.length - 1];
  if (last && !last.match) last.text = last.text.replace(/ $/, '');
  return segments.filter((s) => s.text.length > 0);
}

export interface SnippetOptions {
  /** Fields the reader may not see; never quoted. */
  hidden?: ReadonlySet<SnippetField>;
}

/**
 * The snippet of a work for a query: the field and language whose text matched best (more of the
 * query's tokens, in a heavier field: a title over a creator over an inscription over the rest;
 * a match by pinyin counts half), marked. When only pinyin could have matched and no reading is
 * found, the Chinese title unmarked; null when nothing in the quotable fields matches.
 */
export function snippetOf(metadata: WorkMetadata, match: Match, options: SnippetOptions = {}): Snippet | null {
  const leaves = matchLeaves(match);
  if (leaves.length === 0) return null;
  const texts = candidates(metadata, options.hidden ?? new Set());
  let best: { candidate: Candidate; spans: [number, number][]; score: number } | null = null;
  const anyCjk = leaves.some((leaf) => leaf.cjk);
  // What a Latin word must contain for a leaf to match it: the token, less the letter a stem may change (ponies → pony).
  const probes = leaves.filter((leaf) => !leaf.cjk).map((leaf) => (leaf.token.length > 3 ? leaf.token.slice(0, -1) : leaf.token));
  for (const candidate of texts) {
    // Most texts of a work cannot match: a cheap look first, the careful one only where it may.
    const hasCjk = CJK.test(candidate.text);
    if (!(hasCjk && (anyCjk || (probes.length > 0 && PINYIN_FIELDS.has(candidate.field)))) && !probes.some((probe) => roughFold(candidate.text).includes(probe))) continue;
    const found = findMatches(candidate.text, leaves, PINYIN_FIELDS.has(candidate.field));
    if (found.spans.length === 0) continue;
    const score = WEIGHT[candidate.field] * (found.written + found.byPinyin / 2);
    if (!best || score > best.score) best = { candidate, spans: found.spans, score };
  }
  if (best) return { field: best.candidate.field, lang: best.candidate.lang, segments: windowSegments(best.candidate.text, best.spans) };
  // Pinyin the snippet could not place (a reading pinyin-pro chose differently from the index): the Chinese title.
  const latinOnly = leaves.every((leaf) => !leaf.cjk);
  const chineseTitle = texts.find((c) => c.field === 'title' && CJK.test(c.text));
  if (latinOnly && chineseTitle) return { field: 'title', lang: chineseTitle.lang, segments: windowSegments(chineseTitle.text, []) };
  return null;
}
