/**
 * Reads the free-text dates of museum records ("c. 1850", "Qianlong period (1736-1795)",
 * "明 永乐年间", "十五世纪上半叶", "206 BC–AD 220") into a searchable year range with a facet key.
 *
 * Conventions (historical years, 500 BCE = -500, no year 0):
 * - "15th century" is 1400–1499 (the museum convention, as CMOA's own earliest/latest fields);
 *   "3rd century BCE" mirrors it: -299…-200. Century facet keys follow: c15 = 1400–1499, c-3 = -299…-200.
 * - early / mid / late are thirds (15th century: 1400–1432, 1433–1466, 1467–1499); halves and quarters
 *   split evenly. "1850s" is 1850–1859, but "1800s" is the whole 19th century.
 * - "c. 1850" keeps 1850: widening by a guess would invent precision; callers that want a fuzz window add it.
 * - "after 1600" is 1600–1650 and "before 1600" 1550–1600 (also "or later", "no earlier than", 1600年以前…).
 * - Explicit years beat reigns, which beat dynasties; the period stays the first-named era's key unless the
 *   years lie over 30 years outside it (宋明帝…(470) is Liu Song, not Song). When a text holds several
 *   dates, a later one replaces the first only when it lies inside it ("Ming, 1368–1644, 16th century").
 */
import {
  DYNASTIES, DYNASTY_KEYS, chineseNumeralsToDigits, foldTraditional, scanEras,
  type DynastyHit, type EraPart, type EraSpan,
} from './chinese-eras.js';

export interface YearRange { earliest: number; latest: number; period?: string }
type Span = Omit<YearRange, 'period'>;
type Fraction = readonly [number, number];

const MAX_INPUT = 2_000;
const MIN_YEAR = -10_000;
const MAX_YEAR = 2_999;
const OPEN_YEARS = 50;
/** How far explicit years may lie outside a named era before the name is not taken as the period. */
const PERIOD_SLACK = 30;
const THIRDS: Record<EraPart, Fraction> = { early: [0, 1 / 3], mid: [1 / 3, 2 / 3], late: [2 / 3, 1] };

const PART_PHRASES = ([
  ['first half', [0, 0.5]], ['second half', [0.5, 1]], ['latter half', [0.5, 1]], ['last half', [0.5, 1]],
  ['first quarter', [0, 0.25]], ['second quarter', [0.25, 0.5]], ['third quarter', [0.5, 0.75]],
  ['fourth quarter', [0.75, 1]], ['last quarter', [0.75, 1]], ['first third', THIRDS.early], ['last third', THIRDS.late],
  ['early', THIRDS.early], ['beginning', THIRDS.early], ['mid', THIRDS.mid], ['middle', THIRDS.mid],
  ['late', THIRDS.late], ['end', THIRDS.late],
] as const).map(([phrase, frac]) => [phrase.split(' '), frac] as const);
const QUALIFIERS = ([
  ['no earlier than', 'after'], ['not earlier than', 'after'], ['not before', 'after'], ['after', 'after'],
  ['post', 'after'], ['since', 'after'], ['no later than', 'before'], ['not later than', 'before'],
  ['not after', 'before'], ['before', 'before'], ['prior to', 'before'], ['pre', 'before'], ['by', 'before'],
  ['until', 'before'], ['between', 'between'],
] as const).map(([phrase, kind]) => [phrase.split(' '), kind] as const);
const OR_LATER = [['or', 'later'], ['and', 'later']];
const OR_EARLIER = [['or', 'earlier'], ['and', 'earlier']];
const FILLERS = new Set(['c', 'ca', 'circa', 'about', 'approx', 'approximately', 'around', 'probably', 'possibly',
  'perhaps', 'likely', 'the', 'of', 'in', 'dated', 'active', 'fl', 'from']);
const CENTURY_WORDS = new Set(['century', 'centuries', 'cent', 'c']);
const ERA_WORDS: Record<string, 'bc' | 'ad'> = { bc: 'bc', bce: 'bc', ad: 'ad', ce: 'ad' };
const RANGE_WORDS = new Set(['to', 'until', 'till', 'through', 'or']);

// Chinese date words become the English tokens the parser reads (十五世纪上半叶 → "15 century first half").
const ZH_PARTS: Record<string, string> = {
  上半叶: 'first half', 上半期: 'first half', 上半: 'first half', 前半叶: 'first half', 前半期: 'first half', 前半: 'first half',
  下半叶: 'second half', 下半期: 'second half', 下半: 'second half', 后半叶: 'second half', 后半期: 'second half', 后半: 'second half',
  初期: 'early', 初叶: 'early', 初: 'early', 早期: 'early', 前期: 'early', 中叶: 'mid', 中期: 'mid', 中: 'mid',
  末期: 'late', 末叶: 'late', 末: 'late', 晚期: 'late', 后期: 'late',
};
const ZH_UNIT_RE = new RegExp(`\\s*(世纪|年代)\\s*(${Object.keys(ZH_PARTS).sort((a, b) => b.length - a.length).join('|')})?`, 'g');
const ZH_DATE_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\d{1,2}\s*[月日号]/g, ' '], [/前后|左右/g, ' '], [/大约|大概|约/g, ' c '],
  [/(?:公元|西元|纪元)前/g, ' bc '], [/公元|西元|纪元/g, ' ad '], [/前(?=\s*\d)/g, ' bc '],
  [/(\d)\s*年?\s*(?:以前|之前|前)(?![期半叶])/g, '$1 or earlier '], [/(\d)\s*年?\s*(?:以后|之后|后)(?![期半叶])/g, '$1 or later '],
  [/[至到迄]/g, ' - '], [/或/g, ' or '], [/、/g, ','], [/年/g, ' '],
];

/** Lower-cases, folds width, accents, dashes and traditional characters, and turns Chinese numerals into digits. */
function normalise(text: string): string {
  const s = text
    .slice(0, MAX_INPUT)
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212~\u301c\ufe58\ufe63]/g, '-')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\bb\.\s?c\.(?:\s?e\.?)?/g, 'bc')
    .replace(/\ba\.\s?d\./g, 'ad')
    .replace(/\bc\.\s?e\./g, 'ce');
  return chineseNumeralsToDigits(foldTraditional(s));
}

function chineseDateWords(text: string): string {
  let s = text.replace(ZH_UNIT_RE, (_m, unit: string, part?: string) =>
    `${unit === '世纪' ? ' century' : 's'} ${part ? (ZH_PARTS[part] ?? '') : ''} `);
  for (const [re, to] of ZH_DATE_WORDS) s = s.replace(re, to);
  return s;
}

type Token =
  | { kind: 'num'; value: number; digits: number; suffix: '' | 's' | 'ord' }
  | { kind: 'date'; year: number } // a full calendar date, reduced to its year
  | { kind: 'word'; text: string }
  | { kind: 'punct'; text: string }
  | { kind: 'stop' }; // anything else; no expression runs across it

// One sticky pass; every branch is a bounded or single-quantifier run, so no backtracking blow-up.
const TOKEN_RE =
  /(-?\d{4})-(\d{2})-(\d{2})(?:t[\d:.]*(?:z|[+-]\d{2}:?\d{2})?)?|\d{1,2}\/\d{1,2}\/(\d{4})\b|(\d{4})[/.](\d{1,2})[/.]\d{1,2}\b|(\d+)([a-z]*)|([a-z]+)|([-/,;()])|(\s+|[.?!'"[\]])|./y;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const validDay = (year: number, month: number, day: number): boolean =>
  year !== 0 && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] ?? 0) &&
  (month !== 2 || day < 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)));

function numberToken(digits: string, letters: string, before: string, prev: Token | undefined): Token[] {
  const glued = /[a-z]/.test(before) && !(prev?.kind === 'word' && ['c', 'ca', 'circa'].includes(prev.text));
  const era = ERA_WORDS[letters];
  if (glued || digits.length > 4) return [{ kind: 'stop' }];
  const num = { kind: 'num', value: Number(digits), digits: digits.length } as const;
  if (letters === '' || letters === 's') return [{ ...num, suffix: letters }];
  if (['st', 'nd', 'rd', 'th'].includes(letters)) return [{ ...num, suffix: 'ord' }];
  return era ? [{ ...num, suffix: '' }, { kind: 'word', text: letters }] : [{ kind: 'stop' }];
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const [all, isoY, isoM, isoD, usY, ymdY, ymdM, digits, letters, word, punct, skip] = m;
    if (isoY && isoM && isoD) {
      const [y, mo, d] = [Number(isoY), Number(isoM), Number(isoD)];
      tokens.push(validDay(y, mo, d) ? { kind: 'date', year: y } : { kind: 'stop' });
    } else if (usY) tokens.push({ kind: 'date', year: Number(usY) });
    else if (ymdY) tokens.push(Number(ymdM) >= 1 && Number(ymdM) <= 12 ? { kind: 'date', year: Number(ymdY) } : { kind: 'stop' });
    else if (digits !== undefined) tokens.push(...numberToken(digits, letters ?? '', text.charAt(m.index - 1), tokens.at(-1)));
    else if (word) tokens.push({ kind: 'word', text: word });
    else if (punct) tokens.push({ kind: 'punct', text: punct });
    else if (skip === undefined && all) tokens.push({ kind: 'stop' });
  }
  return tokens;
}

const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.kind === 'word' && words.includes(t.text);
const isPunct = (t: Token | undefined, ...p: string[]): boolean => t?.kind === 'punct' && p.includes(t.text);

/** Matches a phrase of words ("no earlier than") at tokens[i]; returns the index after it. */
function phraseAt(tokens: Token[], i: number, words: readonly string[]): number | null {
  return words.every((w, k) => isWord(tokens[i + k], w)) ? i + words.length : null;
}

function firstPhraseAt(tokens: Token[], i: number, phrases: readonly (readonly string[])[]): number | null {
  for (const words of phrases) {
    const next = phraseAt(tokens, i, words);
    if (next !== null) return next;
  }
  return null;
}

function readPart(tokens: Token[], i: number): { frac: Fraction; next: number } | null {
  for (const [phrase, frac] of PART_PHRASES) {
    const next = phraseAt(tokens, i, phrase);
    if (next !== null) return { frac, next };
  }
  return null;
}

/** "mid", "first half", and spans of them: "mid to late", "early-mid", "mid- to late-". */
function readParts(tokens: Token[], i: number): { frac: Fraction; next: number } | null {
  const a = readPart(tokens, i);
  if (!a) return null;
  const afterA = isPunct(tokens[a.next], '-') ? a.next + 1 : a.next;
  const b = readPart(tokens, isWord(tokens[afterA], 'to', 'or', 'and') ? afterA + 1 : afterA);
  if (!b) return { frac: a.frac, next: afterA };
  return { frac: [a.frac[0], b.frac[1]], next: isPunct(tokens[b.next], '-') ? b.next + 1 : b.next };
}

interface Point {
  value: number;
  digits: number;
  unit: 'year' | 'decade' | 'century' | 'ordinal';
  era?: 'bc' | 'ad';
  part?: Fraction;
  open?: 'before' | 'after';
  next: number;
}

function skipFillers(tokens: Token[], i: number): number {
  let j = i;
  for (let t = tokens[j]; t?.kind === 'word' && FILLERS.has(t.text); t = tokens[++j]);
  return j;
}

function eraAt(t: Token | undefined): 'bc' | 'ad' | undefined {
  return t?.kind === 'word' ? ERA_WORDS[t.text] : undefined;
}

/** One date: [parts] [era] number [century|s] [era] [parts] [or later]. */
function readPoint(tokens: Token[], i: number): Point | null {
  let j = skipFillers(tokens, i);
  const pre = readParts(tokens, j);
  if (pre) j = skipFillers(tokens, pre.next);
  let era = eraAt(tokens[j]);
  if (era) j++;
  const tok = tokens[j++];
  if (tok?.kind === 'date') {
    return { value: Math.abs(tok.year), digits: 4, unit: 'year', era: tok.year < 0 ? 'bc' : 'ad', next: j };
  }
  if (tok?.kind !== 'num') return null;
  const point: Point = { value: tok.value, digits: tok.digits, unit: tok.suffix === 'ord' ? 'ordinal' : tok.suffix === 's' ? 'decade' : 'year', next: j };
  const unitWord = tokens[j];
  if (point.unit !== 'decade' && unitWord?.kind === 'word' && CENTURY_WORDS.has(unitWord.text) && (unitWord.text !== 'c' || point.unit === 'ordinal')) {
    point.unit = 'century';
    j++;
  }
  era = eraAt(tokens[j]) ?? era;
  if (eraAt(tokens[j])) j++;
  const decade = tokens[j]; // 二十世纪三十年代 → "20 century 30s"
  if (point.unit === 'century' && decade?.kind === 'num' && decade.suffix === 's' && decade.value < 100) {
    Object.assign(point, { unit: 'decade', value: (point.value - 1) * 100 + decade.value, digits: 4 });
    j++;
  }
  const post = pre ? null : readParts(tokens, j);
  if (post) j = post.next;
  const later = firstPhraseAt(tokens, j, OR_LATER);
  const earlier = firstPhraseAt(tokens, j, OR_EARLIER);
  const part = pre?.frac ?? post?.frac;
  return {
    ...point,
    ...(era ? { era } : {}),
    ...(part ? { part } : {}),
    ...(later ? { open: 'after' as const } : earlier ? { open: 'before' as const } : {}),
    next: later ?? earlier ?? j,
  };
}

function centurySpan(n: number, bc: boolean): Span {
  if (bc) return { earliest: -(n * 100 - 1), latest: n === 1 ? -1 : -(n - 1) * 100 };
  return { earliest: Math.max(1, (n - 1) * 100), latest: (n - 1) * 100 + 99 };
}

/** A slice of a span by fractions of its length, e.g. [0, 1/3] for "early". */
function slice(span: Span, [from, to]: Fraction): Span {
  const length = span.latest - span.earliest + 1;
  if (length < 3) return span;
  return { earliest: span.earliest + Math.round(length * from), latest: span.earliest + Math.round(length * to) - 1 };
}

function resolve(p: Point): Span | null {
  const bc = p.era === 'bc';
  const v = p.value;
  let span: Span;
  if (p.unit === 'century' || (p.unit === 'decade' && v % 100 === 0 && p.digits === 4 && !bc)) {
    const n = p.unit === 'century' ? v : v / 100 + 1;
    if (n < 1 || n > 30) return null;
    span = centurySpan(n, bc);
  } else if (p.unit === 'decade') {
    if (v % 10 !== 0 || v === 0 || (p.digits < 3 && !p.era)) return null;
    span = bc ? { earliest: -(v + 9), latest: -v } : { earliest: v, latest: v + 9 };
  } else if (p.unit === 'year') {
    if (v === 0 || (p.digits < 3 && !p.era)) return null;
    span = bc ? { earliest: -v, latest: -v } : { earliest: v, latest: v };
  } else {
    return null; // a bare ordinal ("17th") is only a century next to one ("15th–16th century")
  }
  const sliced = p.part ? slice(span, p.part) : span;
  return sliced.earliest >= MIN_YEAR && sliced.latest <= MAX_YEAR ? sliced : null;
}

function openEnded(span: Span | null, open: 'before' | 'after' | undefined): Span | null {
  if (!span || !open) return span;
  return open === 'after'
    ? { earliest: span.earliest, latest: Math.min(MAX_YEAR, span.latest + OPEN_YEARS) }
    : { earliest: Math.max(MIN_YEAR, span.earliest - OPEN_YEARS), latest: span.latest };
}

/** Joins "from – to", sharing what only one end states: "480-256 BCE", "15th–16th century", 十九至二十世纪, "1767-8". */
function joinPoints(from: Point, to: Point): Span | null {
  const a: Point = { ...from };
  const b: Point = { ...to };
  if (b.unit === 'century' && (a.unit === 'ordinal' || (a.unit === 'year' && a.digits <= 2))) a.unit = 'century';
  if (!a.era && b.era === 'bc') a.era = 'bc';
  const plain = !a.era && !b.era && a.unit !== 'century' && b.unit !== 'century';
  if (plain && b.digits < a.digits && a.digits >= 3) {
    const scale = 10 ** b.digits;
    b.value = a.value - (a.value % scale) + b.value;
    b.digits = a.digits;
    if (b.value < a.value) return resolve(a); // "1949-10" is a month, not a range
  }
  const start = resolve(a);
  const end = resolve(b);
  return start && end && start.earliest <= end.latest ? { earliest: start.earliest, latest: end.latest } : null;
}

function readExpression(tokens: Token[], i: number): { span: Span | null; next: number } | null {
  let j = i;
  let qualifier: 'before' | 'after' | 'between' | undefined;
  for (const [phrase, kind] of QUALIFIERS) {
    const next = phraseAt(tokens, i, phrase);
    if (next !== null) {
      [j, qualifier] = [isPunct(tokens[next], '-') ? next + 1 : next, kind];
      break;
    }
  }
  const from = readPoint(tokens, j);
  if (!from) return null;
  const open = qualifier === 'between' ? undefined : qualifier;
  const sep = tokens[from.next];
  const isSep = isPunct(sep, '-', '/') || (sep?.kind === 'word' && (RANGE_WORDS.has(sep.text) || (qualifier === 'between' && sep.text === 'and')));
  const to = isSep ? readPoint(tokens, from.next + 1) : null;
  if (to) return { span: openEnded(joinPoints(from, to), open ?? to.open), next: to.next };
  return { span: openEnded(resolve(from), open ?? from.open), next: from.next };
}

const within = (inner: Span, outer: Span): boolean => inner.earliest >= outer.earliest && inner.latest <= outer.latest;

/** The range given by explicit dates in the text; a later date refines the first only when inside it. */
function explicitRange(text: string): Span | null {
  const tokens = tokenize(text);
  let best: Span | null = null;
  for (let i = 0; i < tokens.length;) {
    const expr = readExpression(tokens, i);
    if (expr?.span && (!best || within(expr.span, best))) best = expr.span;
    i = expr ? Math.max(expr.next, i + 1) : i + 1;
  }
  return best;
}

function union(spans: readonly Span[]): Span | null {
  if (spans.length === 0) return null;
  return { earliest: Math.min(...spans.map((s) => s.earliest)), latest: Math.max(...spans.map((s) => s.latest)) };
}

const overlap = (a: Span, b: Span): number => Math.min(a.latest, b.latest) - Math.max(a.earliest, b.earliest);

/** The dynasty a hit means: the candidate closest to the text's own years (English "Jin"), else the first. */
function pickDynasty(hit: DynastyHit, years: Span | null): EraSpan | undefined {
  const [first, ...others] = hit.candidates;
  if (!first || !years) return first;
  return others.reduce((best, c) => (overlap(c, years) > overlap(best, years) ? c : best), first);
}

/**
 * Range from what the text names when it gives no explicit years: reigns (or their counted years),
 * widened by any dynasty that does not merely frame them (清末民国, 崇祯/清初; but not 明 永乐).
 */
function namedRange(reigns: readonly Span[], dynasties: readonly Span[]): Span | null {
  const fromReigns = union(reigns);
  if (!fromReigns) return union(dynasties);
  return union([fromReigns, ...dynasties.filter((d) => !within(fromReigns, d))]);
}

/** Parses free-text dates of museum records into a year range (BCE negative); null when no date can be read. */
export function parseDateText(text: string): YearRange | null {
  if (typeof text !== 'string') return null;
  const scan = scanEras(normalise(text));
  const explicit = explicitRange(chineseDateWords(scan.rest));
  const reigns = scan.reigns.map((r) => (r.year === undefined ? r : { ...r, earliest: r.year, latest: r.year }));
  const dynasties = scan.dynasties.flatMap((hit) => {
    const span = pickDynasty(hit, explicit);
    return span ? [{ ...span, index: hit.index, ...(hit.part ? slice(span, THIRDS[hit.part]) : {}) }] : [];
  });
  // A counted reign year (乾隆三十三年) refines explicit years it agrees with; otherwise explicit years win.
  const counted = scan.reigns.some((r) => r.year !== undefined) ? union(reigns) : null;
  const range = explicit
    ? (counted && within(counted, explicit) ? counted : explicit)
    : namedRange(reigns, dynasties);
  if (!range) return null;
  // The first era named is the period, unless the text's years lie far outside it (宋明帝 is Liu Song, not Song).
  const named = [...scan.reigns, ...dynasties].sort((a, b) => a.index - b.index);
  const period = named.find((n) => !explicit || overlap(n, explicit) >= -PERIOD_SLACK)?.key;
  const span = { earliest: range.earliest, latest: range.latest };
  return period ? { ...span, period } : span;
}

/** Century facet key of a year: c15 for 1400–1499, c-3 for 299–200 BCE. */
function centuryKey(year: number): string {
  return year < 0 ? `c-${Math.floor(-year / 100) + 1}` : `c${Math.floor(Math.max(year, 1) / 100) + 1}`;
}

/** Stable facet key for a range: its dynasty key when the text named one, else the century of `earliest`. */
export function periodKeyFor(range: YearRange): string {
  return range.period ?? centuryKey(range.earliest);
}

/** zh-Hans and English labels of every dynasty key; century keys are labelled by `periodLabel`. */
export const PERIOD_LABELS: Record<string, { 'zh-Hans': string; en: string }> = Object.fromEntries(
  DYNASTY_KEYS.map((key) => [key, { 'zh-Hans': DYNASTIES[key].zh, en: DYNASTIES[key].en }]),
);

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Label of a period key (dynasty or century) for the facet UI; unknown keys come back unchanged. */
export function periodLabel(key: string, lang: 'zh-Hans' | 'en'): string {
  const known = PERIOD_LABELS[key];
  if (known) return known[lang];
  const century = /^c(-?)(\d{1,2})$/.exec(key);
  if (!century) return key;
  const [, minus, digits] = century;
  const n = Number(digits);
  if (lang === 'en') return `${ordinal(n)} century${minus ? ' BCE' : ''}`;
  return `${minus ? '公元前' : ''}${n}世纪`;
}
