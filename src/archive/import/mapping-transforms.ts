import { z } from 'zod';
import { parseDateText } from '../date-range.js';
import { CREATOR_ROLES } from '../metadata.schema.js';
import { fillTemplate, isBlank, type Slot } from './source-paths.js';

const role = z.enum(CREATOR_ROLES);
const op = <T extends string, S extends z.ZodRawShape>(name: T, shape: S) => z.strictObject({ op: z.literal(name), ...shape });

/** One step applied to the values of a rule; a bare string such as "trim" stands for `{ "op": "trim" }`. */
export const transformSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { op: v } : v),
  z.discriminatedUnion('op', [
    op('trim', {}),
    op('noneToEmpty', { values: z.array(z.union([z.string(), z.number()])).optional() }),
    op('split', { separator: z.string().min(1).optional(), regex: z.string().min(1).optional() }),
    op('splitBilingual', { part: z.enum(['en', 'zh']) }),
    op('stripAttribution', {}),
    op('role', { default: role.optional() }),
    op('map', { values: z.record(z.string(), z.string()), default: z.string().optional() }),
    op('drop', { regex: z.string().min(1) }),
    op('chunk', { max: z.number().int().min(100).max(20_000).default(20_000) }),
    op('date', { lang: z.string().default('en') }),
    op('year', {}),
    op('leaves', { children: z.string().default('children'), name: z.string().default('name') }),
    op('lifeDates', { birth: z.string(), death: z.string() }),
    op('template', { template: z.string().min(1) }),
    op('join', { separator: z.string().default('\n') }),
  ]),
);
export type Transform = z.infer<typeof transformSchema>;

/** What a transform may use besides its values: the rule name, the zh script, a sink for warnings. */
export type TransformContext = { name: string; zhScript: string; warn: (message: string) => void };

const NONE_VALUES = ['(none)', 'none', 'n/a', '无', '無', '-', '—'];

/** A year from a number, "1425", "-206" or an ISO date such as "-0206-01-05" (taken as written: -206). */
export function parseYear(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 10_000 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+-]?\d{1,4})(?:-\d{2}(?:-\d{2}(?:[T ].*)?)?)?\s*$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z\u00C0-\u024F]/;
const OPENERS = '(（「『《〈【"“\'‘[ \t';

/** Splits "Old Trees, Level Distance\n樹色平遠圖" or "Wang Huan王渙像" into its English and Chinese parts. */
export function splitBilingual(text: string): { en?: string; zh?: string } {
  const lines = text.split('\n');
  let cut = -1;
  // "English\n中文": trailing lines that are Chinese only.
  let first = lines.length;
  while (first > 0 && HAN.test(lines[first - 1] ?? '') && !LATIN.test(lines[first - 1] ?? '')) first--;
  if (first > 0 && first < lines.length) cut = lines.slice(0, first).join('\n').length;
  else {
    const m = HAN.exec(text);
    if (m) {
      cut = m.index;
      while (cut > 0 && OPENERS.includes(text[cut - 1] ?? '')) cut--;
    }
  }
  const en = (cut < 0 ? text : text.slice(0, cut))
    .split('\n')
    .filter((l, i, all) => i < all.length - 1 || /\p{L}/u.test(l)) // drop a trailing "?" line
    .join('\n')
    .trim();
  const zh = cut < 0 ? '' : text.slice(cut).trim();
  return { ...(LATIN.test(en) ? { en } : {}), ...(HAN.test(zh) ? { zh } : {}) };
}

const ROLE_PATTERNS: [RegExp, (typeof CREATOR_ROLES)[number]][] = [
  [/attributed|possibly by|probably by|(?:^|[\s(（])[傳传]/iu, 'attributed'],
  [/\bworkshop\b|\bstudio\b/i, 'workshop'],
  [/\bafter\b|\bcopy\b|\bfollower\b|\bimitator\b|\bstyle of\b|\bcircle of\b|\bschool of\b|(?:^|[\s(（])[倣仿臨临摹]/iu, 'after'],
  [/photograph/i, 'photographer'],
  [/calligraph/i, 'calligrapher'],
  [/design|architect/i, 'designer'],
  [/manufactur|maker|modell?er|potter|printmaker|engraver|carver|weaver/i, 'maker'],
  [/compos/i, 'composer'],
  [/perform/i, 'performer'],
  [/\bauthor\b|\bwriter\b/i, 'author'],
  [/\bartist\b|painter|sculptor/i, 'artist'],
];

/** The creator role a text implies ("attributed to", 傳, "After …", 倣, "manufacturer" …), or undefined. */
export function detectRole(text: string): (typeof CREATOR_ROLES)[number] | undefined {
  return ROLE_PATTERNS.find(([re]) => re.test(text))?.[1];
}

// "Attributed to X", "Formerly attributed to X", "Calligraphy attributed to X", "After X", "Follower of X" …
const EN_ATTRIBUTION = /^(?:(?:[\w-]+\s+){0,2}attributed to|after|copy after|follower of|imitator of|style of|circle of|school of|workshop of|studio of)\s+/i;

/** Removes attribution wording ("attributed to", "(傳)", "After", 倣 …) around a name, keeping the name. */
export function stripAttribution(name: string): string {
  return name
    .replace(/\(\s*(?:(?:traditionally|formerly)\s+)?attributed to\s*\)/gi, '')
    .replace(EN_ATTRIBUTION, '')
    .replace(/^[(（]\s*[傳传]\s*[)）]\s*/u, '')
    .replace(/^(?:[舊旧]?[傳传]|[倣仿臨临摹])(?=\p{Script=Han})/u, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** Cuts text longer than `max` into parts at paragraph breaks (else line breaks, else spaces); shorter text stays whole. */
export function chunkText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const floor = Math.floor(max / 2);
    let cut = window.lastIndexOf('\n\n');
    if (cut < floor) cut = window.lastIndexOf('\n');
    if (cut < floor) cut = window.lastIndexOf(' ');
    if (cut < floor) cut = max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

function leaves(node: unknown, children: string, name: string, out: string[]): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  const kids = record[children];
  if (Array.isArray(kids) && kids.length > 0) for (const kid of kids) leaves(kid, children, name, out);
  else if (typeof record[name] === 'string') out.push(record[name]);
}

const onStrings = (values: Slot[], fn: (s: string) => Slot | Slot[]): Slot[] =>
  values.flatMap((v) => (typeof v === 'string' ? fn(v) : [v]));

/** Applies one transform to the values of a rule (holes stay in place so parallel rules stay aligned). */
export function applyTransform(values: Slot[], t: Transform, ctx: TransformContext): Slot[] {
  switch (t.op) {
    case 'trim':
      return onStrings(values, (s) => (s.trim() === '' ? undefined : s.trim()));
    case 'noneToEmpty': {
      const none = (t.values ?? NONE_VALUES).map((n) => String(n).toLowerCase());
      return values.map((v) => (v !== undefined && none.includes(String(v).trim().toLowerCase()) ? undefined : v));
    }
    case 'split': {
      const re = t.regex ? new RegExp(t.regex, 'u') : undefined;
      return onStrings(values, (s) => {
        const parts = (re ? s.split(re) : s.split(t.separator ?? '\n')).map((p) => p.trim()).filter((p) => p !== '');
        return parts.length > 0 ? parts : [undefined];
      });
    }
    case 'splitBilingual':
      return onStrings(values, (s) => splitBilingual(s)[t.part]);
    case 'stripAttribution':
      return onStrings(values, (s) => stripAttribution(s) || undefined);
    case 'role':
      return onStrings(values, (s) => detectRole(s) ?? t.default);
    case 'map': {
      const table = new Map(Object.entries(t.values).map(([k, v]) => [k.trim().toLowerCase(), v]));
      return onStrings(values, (s) => table.get(s.trim().toLowerCase()) ?? t.default ?? s);
    }
    case 'drop': {
      const re = new RegExp(t.regex, 'u');
      return values.map((v) => (typeof v === 'string' && re.test(v) ? undefined : v));
    }
    case 'chunk':
      return onStrings(values, (s) => chunkText(s, t.max));
    case 'date':
      return values.map((v) => (v === undefined ? v : toDate(v, t.lang === 'zh' ? ctx.zhScript : t.lang, ctx)));
    case 'year':
      return values.map((v) => {
        if (v === undefined) return v;
        const year = parseYear(v);
        if (year === undefined) ctx.warn(`${ctx.name}: ${JSON.stringify(v)} is not a year; left out`);
        return year;
      });
    case 'leaves':
      return values.flatMap((v) => {
        const out: string[] = [];
        leaves(v, t.children, t.name, out);
        return out;
      });
    case 'lifeDates':
      return values.map((v) => (typeof v === 'object' && v !== null ? lifeDates(v as Record<string, unknown>, t.birth, t.death) : undefined));
    case 'template':
      return values.map((v) => (v === undefined ? v : fillTemplate(t.template, typeof v === 'object' ? v : { value: v })));
    case 'join': {
      const present = values.filter((v) => !isBlank(v)).map(String);
      return present.length > 0 ? [present.join(t.separator)] : [];
    }
  }
}

function toDate(value: unknown, lang: string, ctx: TransformContext): Slot {
  const text = String(value).trim();
  if (text === '') return undefined;
  const range = parseDateText(text);
  if (!range) ctx.warn(`${ctx.name}: no year range found in ${JSON.stringify(text)}; kept as display text only`);
  return { display: { [lang]: text }, ...(range ? { earliest: range.earliest, latest: range.latest } : {}) };
}

function lifeDates(creator: Record<string, unknown>, birthKey: string, deathKey: string): string | undefined {
  const birth = parseYear(creator[birthKey]);
  const death = parseYear(creator[deathKey]);
  if (birth !== undefined && death !== undefined) return `${birth}–${death}`;
  if (birth !== undefined) return `born ${birth}`;
  return death !== undefined ? `died ${death}` : undefined;
}
