import { pinyin } from 'pinyin-pro';
import type { LangMap } from '../archive/metadata.schema.js';
import { CJK, foldDiacritics, foldText } from './search-text.js';

export const SUGGESTION_KINDS = ['title', 'creator', 'place'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** One suggestion: a work's title (with its id), or a creator or place (with how many visible works name it). */
export interface Suggestion {
  kind: SuggestionKind;
  label: string;
  lang: string;
  workId?: string;
  count?: number;
}

/** What the index reads of a work. */
export interface SuggestSource {
  seq: number;
  id: string;
  isPublic: boolean;
  title: LangMap;
  creators: LangMap[];
  place: LangMap | undefined;
}

/** How a key was derived: the label itself, its pinyin (or initials), a later word of it. Lower ranks first. */
const RANK_LABEL = 0;
const RANK_PINYIN = 1;
const RANK_WORD = 2;
/** Labels longer than this are cut for keys (a title that is a poem). */
const MAX_KEY = 64;
/** Later words of a label that also start keys (a title found by its third word), at most. */
const MAX_WORD_KEYS = 5;
/**
 * Keys of one kind a query walks at most: a one-letter prefix stays a few milliseconds at a
 * million works (creators and places are few, so only titles ever reach it; among the titles of
 * a one-letter prefix, the first this many in key order compete).
 */
const SCAN_LIMIT = 20_000;

/**
 * Text as suggestion keys spell it: folded as search folds it (case, width, Traditional →
 * Simplified, diacritics and tones off), every run of punctuation or space one space.
 */
export function suggestKey(text: string): string {
  const head = text.slice(0, 500);
  // Traditional → Simplified only where there is Chinese: the converter is the costly part of folding.
  return foldDiacritics(foldText(head))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, MAX_KEY);
}

/** The toneless pinyin of a folded label's Chinese (ü as u and as v) and its initials; none without Chinese. */
export function pinyinKeys(key: string): string[] {
  if (!CJK.test(key)) return [];
  const chars = [...key.replace(/ /g, '')];
  const syllables = pinyin(chars.join(''), { toneType: 'none', type: 'array' });
  if (syllables.length !== chars.length) return [];
  const full = syllables.join('').replace(/[^a-z0-9ü]/g, '');
  const initials = syllables.map((s, i) => (CJK.test(chars[i]!) ? (s[0] ?? '') : s)).join('').replace(/[^a-z0-9]/g, '');
  const keys = new Set<string>();
  if (full.includes('ü')) {
    keys.add(full.replaceAll('ü', 'u'));
    keys.add(full.replaceAll('ü', 'v'));
  } else if (full) keys.add(full);
  if (initials.length >= 2) keys.add(initials);
  return [...keys];
}

interface EntryDraft {
  kind: SuggestionKind;
  label: string;
  lang: string;
  workId: string | null;
  allCount: number;
  publicCount: number;
}

/** An Int32Array that grows as it is pushed to: a million works' numbers without a million objects. */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Every work as of the build, sorted by seq: public or not, and the entries that name it
 * (`entries[start[i]] … entries[start[i + 1] - 1]`). Typed arrays: ~20 bytes a work, where a
 * Map of objects took over a hundred at a million works.
 */
interface WorkTable {
  seq: Int32Array;
  isPublic: Uint8Array;
  start: Int32Array;
  entries: Int32Array;
}

/** The sorted keys of one kind: text, entry and rank side by side. */
interface KeyList {
  text: string[];
  entry: Int32Array;
  rank: Uint8Array;
}

/**
 * Builds a SuggestIndex from works in any order. Titles are one entry per work and language;
 * creators and places one entry per folded name, with the works that name them.
 */
export class SuggestIndexBuilder {
  private readonly entries: EntryDraft[] = [];
  private readonly byName = new Map<string, number>();
  private readonly keys = new Map<SuggestionKind, { text: string[]; entry: number[]; rank: number[] }>(SUGGESTION_KINDS.map((k) => [k, { text: [], entry: [], rank: [] }]));
  /** Creators and places repeat: their keys and readings are worked out once. */
  private readonly nameKeys = new Map<string, { key: string; readings: string[] }>();
  /** Works in the order added: seq, public (1/0), and where each one's entries start in `workEntries`. */
  private readonly workSeq = new IntList();
  private readonly workPublic = new IntList();
  private readonly workStart = new IntList();
  private readonly workEntries = new IntList();
  private titled = 0;

  /**
   * `maxTitles` bounds the index's memory at millions of works: titles are the bulk of it (a label,
   * its pinyin, initials and word keys per work), so only the first works read (oldest first) are
   * suggested by title; creators and places always cover every work. 0: no bound.
   */
  constructor(private readonly maxTitles = 0) {}

  add(work: SuggestSource): void {
    const seen = new Set<number>();
    if (this.maxTitles === 0 || this.titled < this.maxTitles) {
      this.titled++;
      for (const [lang, label] of Object.entries(work.title)) {
        const key = suggestKey(label);
        if (key) seen.add(this.addEntry('title', label, lang, work, work.id, key, pinyinKeys(key)));
      }
    }
    for (const creator of work.creators) for (const [lang, label] of Object.entries(creator)) this.addGrouped('creator', label, lang, work, seen);
    for (const [lang, label] of Object.entries(work.place ?? {})) this.addGrouped('place', label, lang, work, seen);
    this.workSeq.push(work.seq);
    this.workPublic.push(work.isPublic ? 1 : 0);
    this.workStart.push(this.workEntries.length);
    for (const entry of seen) this.workEntries.push(entry);
  }

  private addGrouped(kind: SuggestionKind, label: string, lang: string, work: SuggestSource, seen: Set<number>): void {
    let known = this.nameKeys.get(label);
    if (!known) {
      const key = suggestKey(label);
      known = { key, readings: key ? pinyinKeys(key) : [] };
      this.nameKeys.set(label, known);
    }
    if (!known.key) return;
    const name = `${kind}|${known.key}`;
    const existing = this.byName.get(name);
    if (existing === undefined) {
      const index = this.addEntry(kind, label, lang, work, null, known.key, known.readings);
      this.byName.set(name, index);
      seen.add(index);
      return;
    }
    // A name given in two languages of one work, or twice, counts the work once.
    if (seen.has(existing)) return;
    seen.add(existing);
    const entry = this.entries[existing]!;
    entry.allCount++;
    if (work.isPublic) entry.publicCount++;
  }

  private addEntry(kind: SuggestionKind, label: string, lang: string, work: SuggestSource, workId: string | null, key: string, readings: string[]): number {
    const index = this.entries.length;
    this.entries.push({ kind, label: label.trim().replace(/\s+/g, ' ').slice(0, 200), lang, workId, allCount: 1, publicCount: work.isPublic ? 1 : 0 });
    const keys = this.keys.get(kind)!;
    const addKey = (text: string, rank: number) => {
      keys.text.push(text);
      keys.entry.push(index);
      keys.rank.push(rank);
    };
    addKey(key, RANK_LABEL);
    for (const reading of readings) addKey(reading, RANK_PINYIN);
    const words = key.split(' ');
    for (let i = 1; i < words.length && i <= MAX_WORD_KEYS; i++) {
      if (words[i]!.length >= 2 && !/^\d+$/.test(words[i]!)) addKey(words.slice(i).join(' '), RANK_WORD);
    }
    return index;
  }

  /** The index; the builder is spent (its key lists are handed over as they are sorted, to bound the peak). */
  build(): SuggestIndex {
    const lists = new Map<SuggestionKind, KeyList>();
    for (const [kind, keys] of this.keys) {
      // Flat copies, one key at a time in place: keys cut and joined from labels are ropes or slices,
      // which every comparison would walk and which keep whole folded labels alive. A copy of the whole
      // list at once doubled the build's peak memory at a million works.
      const text = keys.text;
      for (let i = 0; i < text.length; i++) text[i] = JSON.parse(JSON.stringify(text[i])) as string;
      const order = Int32Array.from(text.keys()).sort((a, b) => (text[a]! < text[b]! ? -1 : text[a]! > text[b]! ? 1 : keys.rank[a]! - keys.rank[b]!));
      const list: KeyList = { text: Array.from(order, (i) => text[i]!), entry: Int32Array.from(order, (i) => keys.entry[i]!), rank: Uint8Array.from(order, (i) => keys.rank[i]!) };
      this.keys.set(kind, { text: [], entry: [], rank: [] });
      lists.set(kind, list);
    }
    return new SuggestIndex(this.entries, lists, this.workTable());
  }

  /** The works sorted by seq (they may arrive in any order), their entries laid out in that order. */
  private workTable(): WorkTable {
    const count = this.workSeq.length;
    const bySeq = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => this.workSeq.at(a) - this.workSeq.at(b));
    const table: WorkTable = { seq: new Int32Array(count), isPublic: new Uint8Array(count), start: new Int32Array(count + 1), entries: new Int32Array(this.workEntries.length) };
    let at = 0;
    bySeq.forEach((from, i) => {
      table.seq[i] = this.workSeq.at(from);
      table.isPublic[i] = this.workPublic.at(from);
      table.start[i] = at;
      const end = from + 1 < count ? this.workStart.at(from + 1) : this.workEntries.length;
      for (let k = this.workStart.at(from); k < end; k++) table.entries[at++] = this.workEntries.at(k);
    });
    table.start[count] = at;
    return table;
  }
}

/**
 * Who is asking: staff see every work; everyone else public works only. `changed`: the works
 * whose visibility was written since the index was built (true: public now).
 */
export interface SuggestReader {
  staff: boolean;
  changed: ReadonlyMap<number, boolean>;
}

interface Candidate {
  entry: number;
  rank: number;
  count: number;
  length: number;
}

/** Whether candidate a comes before b: a closer kind of key, more works, a shorter label. */
const before = (a: Candidate, b: Candidate): boolean => a.rank !== b.rank ? a.rank < b.rank : a.count !== b.count ? a.count > b.count : a.length < b.length;

/**
 * Titles, creators and places by prefix: per kind, sorted keys (the folded label, its pinyin and
 * initials, its later words), binary-searched, so a lookup walks only the keys that start with the
 * prefix and keeps the best few as it goes. Counts are as of the build for ranking; the final
 * suggestions are corrected by the works whose visibility changed since, so a work made private
 * drops out at once.
 */
export class SuggestIndex {
  /** Per entry, side by side for the scan: label length, public works, all works (as built). */
  private readonly labelLength: Uint16Array;
  private readonly publicCount: Int32Array;
  private readonly allCount: Int32Array;

  constructor(
    private readonly entries: readonly EntryDraft[],
    private readonly lists: ReadonlyMap<SuggestionKind, KeyList>,
    private readonly works: WorkTable,
  ) {
    this.labelLength = Uint16Array.from(entries, (e) => Math.min(e.label.length, 65_535));
    this.publicCount = Int32Array.from(entries, (e) => e.publicCount);
    this.allCount = Int32Array.from(entries, (e) => e.allCount);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Suggestions for what was typed: titles, then creators, then places, each kind a fair share of `limit`. */
  suggest(typed: string, limit: number, reader: SuggestReader): Suggestion[] {
    const key = suggestKey(typed);
    if (!key || limit <= 0) return [];
    const prefixes = [key];
    // Pinyin is typed with or without spaces (xi shan, xishan): keys have none.
    if (key.includes(' ')) prefixes.push(key.replaceAll(' ', ''));
    // A few spare, for works made private since the build.
    const keep = limit * 2 + 4;
    const delta = reader.staff ? null : this.visibilityDelta(reader.changed);
    const ranked = SUGGESTION_KINDS.map((kind) => this.visibleOnly(this.best(this.lists.get(kind)!, prefixes, keep, reader.staff), limit, delta));
    // A fair share each, then what is left to whichever kinds have more.
    const share = Math.ceil(limit / SUGGESTION_KINDS.length);
    const taken = ranked.map((list) => Math.min(list.length, share));
    let room = limit - taken.reduce((a, b) => a + b, 0);
    for (let k = 0; k < ranked.length && room > 0; k++) {
      const more = Math.min(room, ranked[k]!.length - taken[k]!);
      if (more > 0) {
        taken[k]! += more;
        room -= more;
      }
    }
    while (taken.reduce((a, b) => a + b, 0) > limit) taken[taken.lastIndexOf(Math.max(...taken))]!--;
    return ranked.flatMap((list, k) => list.slice(0, taken[k]));
  }

  /** The best `keep` entries of one kind whose keys start with a prefix, in order (no full sort of the matches). */
  private best(list: KeyList, prefixes: string[], keep: number, staff: boolean): Candidate[] {
    const top: Candidate[] = [];
    for (const prefix of prefixes) {
      let at = lowerBound(list.text, prefix);
      for (let walked = 0; at < list.text.length && walked < SCAN_LIMIT && list.text[at]!.startsWith(prefix); at++, walked++) {
        const entry = list.entry[at]!;
        const count = staff ? this.allCount[entry]! : this.publicCount[entry]!;
        if (count === 0) continue;
        // A label typed in full ranks above a longer one.
        const candidate = { entry, rank: list.rank[at]! * 2 + (list.text[at] === prefix ? 0 : 1), count, length: this.labelLength[entry]! };
        if (top.length >= keep && !before(candidate, top[top.length - 1]!)) continue;
        const same = top.findIndex((c) => c.entry === entry);
        if (same >= 0) {
          if (!before(candidate, top[same]!)) continue;
          top.splice(same, 1);
        }
        let i = top.length;
        while (i > 0 && before(candidate, top[i - 1]!)) i--;
        top.splice(i, 0, candidate);
        if (top.length > keep) top.pop();
      }
    }
    return top;
  }

  /**
   * For a visitor, how many public works each entry gained or lost since the build (works made
   * public or private since): a few map lookups, instead of recounting a creator's thousands.
   */
  private visibilityDelta(changed: ReadonlyMap<number, boolean>): Map<number, number> {
    const delta = new Map<number, number>();
    const { seq: seqs, isPublic: wasPublic, start, entries } = this.works;
    for (const [seq, isPublic] of changed) {
      const at = lowerBound(seqs, seq);
      if (at >= seqs.length || seqs[at] !== seq || (wasPublic[at] === 1) === isPublic) continue;
      for (let k = start[at]!; k < start[at + 1]!; k++) delta.set(entries[k]!, (delta.get(entries[k]!) ?? 0) + (isPublic ? 1 : -1));
    }
    return delta;
  }

  /** The first `limit` candidates with a work the reader may see now (null delta: staff, who see all), counted now. */
  private visibleOnly(candidates: Candidate[], limit: number, delta: Map<number, number> | null): Suggestion[] {
    const out: Suggestion[] = [];
    for (const candidate of candidates) {
      if (out.length >= limit) break;
      const entry = this.entries[candidate.entry]!;
      const count = delta ? this.publicCount[candidate.entry]! + (delta.get(candidate.entry) ?? 0) : this.allCount[candidate.entry]!;
      if (count <= 0) continue;
      out.push(entry.workId !== null ? { kind: entry.kind, label: entry.label, lang: entry.lang, workId: entry.workId } : { kind: entry.kind, label: entry.label, lang: entry.lang, count });
    }
    return out;
  }
}

function lowerBound<T extends string | number>(keys: ArrayLike<T>, prefix: T): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
