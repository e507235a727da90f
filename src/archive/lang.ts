import type { LangMap } from './metadata.schema.js';

export type UiLang = 'zh-Hans' | 'en';

// Chinese readers prefer either script over English; English readers prefer English, then pinyin-less Chinese.
const FALLBACK: Record<string, string[]> = {
  'zh-Hans': ['zh-Hans', 'zh', 'zh-Hant', 'en'],
  'zh-Hant': ['zh-Hant', 'zh', 'zh-Hans', 'en'],
  en: ['en', 'zh-Hans', 'zh-Hant', 'zh'],
};

/** Picks the best value of a LangMap for a reader of `lang`, falling back through related languages. */
export function pickLang(map: LangMap | undefined | null, lang: string): string | undefined {
  if (!map) return undefined;
  for (const tag of FALLBACK[lang] ?? [lang, 'en', 'zh-Hans', 'zh-Hant']) {
    const value = map[tag];
    if (value) return value;
  }
  return Object.values(map)[0];
}

/** A LangMap serialised with sorted keys, so equal maps give equal strings (facet values). */
export function canonicalLangMap(map: LangMap | undefined | null): string | null {
  if (!map || Object.keys(map).length === 0) return null;
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) sorted[key] = map[key]!.trim().slice(0, 300);
  return JSON.stringify(sorted);
}
