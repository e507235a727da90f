import { createElement, createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { createIntl, createIntlCache, RawIntlProvider, type IntlShape } from 'react-intl';
import { pickEntry, pickLang, type UiLang } from './lang';
import type { MessageKey } from './locales';
import { lazyLoaded, loadLazyMessages, messagesOf, onMessagesLoaded, setCurrentLang } from './locales/runtime';

export type { MessageKey } from './locales';

/**
 * The interface language and its messages. The strings live in the ICU message catalogues under
 * `locales/`; react-intl (FormatJS) formats them, so `t(key, { count })` handles plurals, and
 * components that want FormatJS directly can `useIntl()` inside the same provider.
 */

/** Message keys naming the languages a LangMap may hold. */
export const LANG_NAME_KEYS: Record<string, MessageKey> = { 'zh-Hans': 'lang.zh-Hans', 'zh-Hant': 'lang.zh-Hant', en: 'lang.en', zh: 'lang.zh', und: 'lang.und' };

/** Message keys of the short badges that mark a value's language. */
export const LANG_BADGE_KEYS: Record<string, MessageKey> = { 'zh-Hans': 'lang.badge.zh-Hans', 'zh-Hant': 'lang.badge.zh-Hant', en: 'lang.badge.en', zh: 'lang.badge.zh', und: 'lang.badge.und' };

const STORAGE_KEY = 'wenyuan.lang';

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** The stored choice, else the browser's first language (any Chinese → zh-Hans), else English. */
export function initialLang(): UiLang {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-Hans') return stored;
  } catch {
    // Storage may be disabled (private mode); fall through to the browser language.
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const lower = (tag ?? '').toLowerCase();
    if (lower.startsWith('zh')) return 'zh-Hans';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export interface I18n {
  lang: UiLang;
  setLang: (lang: UiLang) => void;
  t: Translate;
  /** Whether a key built at run time (`field.${name}`) names a message. */
  has: (key: string) => key is MessageKey;
  /** The best value of a metadata LangMap for the current language. */
  pick: (map: Record<string, string> | null | undefined) => string | undefined;
  /** Like `pick`, with the language tag of the value chosen. */
  pickEntry: (map: Record<string, string> | null | undefined) => [string, string] | null;
  /** The name of a metadata language (`zh-Hant` → "Traditional Chinese"), never the bare tag. */
  langName: (tag: string) => string;
  /** The short badge marking a value's language (`zh-Hant` → "繁" in Chinese). */
  langBadge: (tag: string) => string;
  formatDateTime: (iso: string | null | undefined) => string;
  formatNumber: (n: number) => string;
  /** A historical year: negative means BCE; there is no year 0. */
  formatYear: (year: number) => string;
  /** Joins names with the language's list separator. */
  formatList: (items: string[]) => string;
}

const I18nContext = createContext<{ i18n: I18n; intl: IntlShape } | null>(null);
const cache = createIntlCache();

/** Builds `t` and the formatters of one language over a FormatJS `intl` object. */
export function makeI18n(lang: UiLang, setLang: (lang: UiLang) => void): { i18n: I18n; intl: IntlShape } {
  const messages = messagesOf(lang);
  const intl = createIntl({ locale: lang, defaultLocale: 'en', messages }, cache);
  const has = (key: string): key is MessageKey => Object.hasOwn(messages, key);
  // An unknown key (from data) comes back as itself, so callers can fall back to the raw value.
  const t: Translate = (key, vars) => (has(key) ? intl.formatMessage({ id: key }, vars) : key);
  const langName = (tag: string) => {
    const key = LANG_NAME_KEYS[tag];
    if (key) return t(key);
    try {
      return intl.formatDisplayName(tag, { type: 'language' }) ?? tag;
    } catch {
      return tag;
    }
  };
  const i18n: I18n = {
    lang,
    setLang,
    t,
    has,
    pick: (map) => pickLang(map, lang),
    pickEntry: (map) => pickEntry(map, lang),
    langName,
    langBadge: (tag) => {
      const key = LANG_BADGE_KEYS[tag];
      return key ? t(key) : langName(tag);
    },
    formatDateTime: (iso) => {
      if (!iso) return '—';
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : intl.formatDate(date, { dateStyle: 'medium', timeStyle: 'short' });
    },
    formatNumber: (n) => intl.formatNumber(n),
    formatYear: (year) => (year < 0 ? t('year.bce', { year: -year }) : t('year.ce', { year })),
    formatList: (items) => items.join(lang === 'en' ? ', ' : '、'),
  };
  return { i18n, intl };
}

/** Holds the interface language; keeps localStorage and `<html lang>` (and so the fonts) in step with it. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<UiLang>(initialLang);
  // Bumped when a language's lazy namespaces arrive, so text shown as a fallback meanwhile is redrawn.
  const [messagesVersion, setMessagesVersion] = useState(0);
  const setLang = useCallback((next: UiLang) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
    // A page already open may need the other language's lazy namespaces: switch once they are in.
    if (lazyLoaded(next)) setLangState(next);
    else void loadLazyMessages(next).then(() => setLangState(next));
  }, []);
  // Before paint, so the first frame already uses the language's fonts (styles.css, :lang()).
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
    setCurrentLang(lang);
  }, [lang]);
  useEffect(() => onMessagesLoaded(() => setMessagesVersion((v) => v + 1)), []);
  // The rest of the catalogue (server errors, staff pages) once the first page has been drawn.
  useEffect(() => {
    const timer = window.setTimeout(() => void loadLazyMessages(lang), 1500);
    return () => window.clearTimeout(timer);
  }, [lang]);
  // messagesVersion only forces a new formatter over the grown table.
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang, messagesVersion]);
  return createElement(I18nContext.Provider, { value }, createElement(RawIntlProvider, { value: value.intl }, children));
}

/** The current language, `t` and formatters. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value.i18n;
}
