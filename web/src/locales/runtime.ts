import type { UiLang } from '../lang';
import { EAGER_MESSAGES } from './eager';

/**
 * The messages the running interface has, per language: the entry's namespaces at once, the rest
 * (`lazy-<lang>.ts`) merged in when fetched. Each language's object is mutated in place, so a
 * formatter made before the fetch already sees the new keys; listeners re-render what showed
 * fallbacks meanwhile.
 */
const messages: Record<UiLang, Record<string, string>> = { en: { ...EAGER_MESSAGES.en }, 'zh-Hans': { ...EAGER_MESSAGES['zh-Hans'] } };
const loads = new Map<UiLang, Promise<void>>();
const loaded = new Set<UiLang>();
const listeners = new Set<() => void>();
let current: UiLang | null = null;

const fetchers: Record<UiLang, () => Promise<{ MESSAGES: Record<string, string> }>> = {
  en: () => import('./lazy-en'),
  'zh-Hans': () => import('./lazy-zh-Hans'),
};

/** The (growing) message table of a language. */
export function messagesOf(lang: UiLang): Record<string, string> {
  return messages[lang];
}

/** The language the interface shows now (set by the i18n provider; page loaders read it). */
export function setCurrentLang(lang: UiLang): void {
  current = lang;
}

/** The language set by the provider; null before it has rendered (the router loads the first page earlier). */
export function currentLang(): UiLang | null {
  return current;
}

/** Whether a language's lazy namespaces are in. */
export function lazyLoaded(lang: UiLang): boolean {
  return loaded.has(lang);
}

/**
 * Fetches a language's lazy namespaces once (a failed fetch may be retried by the next call).
 * Resolves when they are merged; never rejects — a page without them shows fallbacks, not an error.
 */
export function loadLazyMessages(lang: UiLang): Promise<void> {
  let load = loads.get(lang);
  if (!load) {
    load = fetchers[lang]()
      .then((chunk) => {
        Object.assign(messages[lang], chunk.MESSAGES);
        loaded.add(lang);
        for (const listener of listeners) listener();
      })
      .catch(() => {
        loads.delete(lang);
      });
    loads.set(lang, load);
  }
  return load;
}

/** Called after lazy messages arrive; returns the unsubscribe function. */
export function onMessagesLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
