import type { LangMap } from './types';

/** The two interface languages; metadata can hold more (zh-Hant, und, …). */
export type UiLang = 'zh-Hans' | 'en';
export const UI_LANGS: readonly UiLang[] = ['zh-Hans', 'en'];

// Same order as the server's src/archive/lang.ts: Chinese readers prefer either script over English.
const FALLBACK: Record<string, string[]> = {
  'zh-Hans': ['zh-Hans', 'zh', 'zh-Hant', 'en'],
  'zh-Hant': ['zh-Hant', 'zh', 'zh-Hans', 'en'],
  en: ['en', 'zh-Hans', 'zh-Hant', 'zh'],
};

/** Picks the best [tag, value] of a LangMap for a reader of `lang`, or null when it is empty. */
export function pickEntry(map: LangMap | null | undefined, lang: string): [string, string] | null {
  if (!map) return null;
  for (const tag of FALLBACK[lang] ?? [lang, 'en', 'zh-Hans', 'zh-Hant']) {
    const value = map[tag];
    if (value) return [tag, value];
  }
  const first = Object.entries(map).find(([, v]) => v);
  return first ?? null;
}

/** Picks the best value of a LangMap for a reader of `lang`. */
export function pickLang(map: LangMap | null | undefined, lang: string): string | undefined {
  return pickEntry(map, lang)?.[1];
}

/** The values of a LangMap other than the one shown, skipping exact duplicates. */
export function otherEntries(map: LangMap | null | undefined, shownTag: string | undefined): [string, string][] {
  if (!map) return [];
  const shown = shownTag ? map[shownTag] : undefined;
  return Object.entries(map).filter(([tag, value]) => tag !== shownTag && value && value !== shown);
}

/** The language tag to put on an element showing text in `tag` (und means unknown: none). */
export function htmlLang(tag: string): string | undefined {
  return tag === 'und' ? undefined : tag;
}

/** Parses a facet value that is a JSON LangMap (medium, institution); null when it is not one. */
export function parseLangMapJson(value: string): LangMap | null {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
      return entries.length ? Object.fromEntries(entries) : null;
    }
  } catch {
    // Not JSON: the caller shows the raw value.
  }
  return null;
}
