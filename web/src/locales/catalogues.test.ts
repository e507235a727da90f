/// <reference types="vite/client" />
import {
  isDateElement,
  isLiteralElement,
  isNumberElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isStructurallySame,
  isTagElement,
  isTimeElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { makeI18n, type MessageKey } from '../i18n';
import { EAGER_NAMESPACES } from './eager';
import { CATALOGUES } from './index';
import { NAMESPACES as LAZY_EN } from './lazy-en';
import { NAMESPACES as LAZY_ZH } from './lazy-zh-Hans';

/**
 * The message catalogues (web/src/locales/<lang>/<namespace>.json) against each other and against
 * the code: both languages have the same keys, every message is valid ICU with the same arguments
 * in both and formats without showing ICU syntax, every key the client names exists, and no
 * Chinese message is English left untranslated.
 */

type Catalogue = Record<string, string>;
const LANGS = Object.keys(CATALOGUES) as (keyof typeof CATALOGUES)[];
const NAMESPACES = Object.keys(CATALOGUES.en) as (keyof typeof CATALOGUES.en)[];
const catalogue = (lang: keyof typeof CATALOGUES, ns: keyof typeof CATALOGUES.en): Catalogue => CATALOGUES[lang][ns];
const all = (lang: keyof typeof CATALOGUES): Catalogue => Object.assign({}, ...NAMESPACES.map((ns) => catalogue(lang, ns))) as Catalogue;

/** Words a Chinese message may keep from the English one: names, standards and codes. */
const SAME_IN_BOTH = ['Wenyuan', 'SHA-256', 'PDQ', 'ISCC', 'IIIF', 'PDF', 'API', 'JSON', 'URI', 'ID'];

// The client's source, to find the keys it names (tests and the catalogues themselves excluded).
const SOURCES = Object.entries(import.meta.glob<string>('../**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true })).filter(
  ([file]) => !file.endsWith('.test.ts') && !file.startsWith('./'),
);

/** The argument names of a message, with their types (`count:plural`), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (isLiteralElement(el) || isPoundElement(el)) continue;
    if (isTagElement(el)) {
      argumentsOf(el.children, into);
    } else if (isPluralElement(el) || isSelectElement(el)) {
      into.add(isPluralElement(el) ? `${el.value}:plural` : `${el.value}:select(${Object.keys(el.options).sort().join('|')})`);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    } else {
      into.add(`${el.value}:${isNumberElement(el) ? 'number' : isDateElement(el) ? 'date' : isTimeElement(el) ? 'time' : 'argument'}`);
    }
  }
  return into;
}

describe('message catalogues', () => {
  it('every namespace ships once: in the entry script, or in the lazy chunk of each language', () => {
    const eager: readonly string[] = EAGER_NAMESPACES;
    expect([...eager, ...LAZY_EN].sort()).toEqual([...NAMESPACES].sort());
    expect([...LAZY_ZH].sort()).toEqual([...LAZY_EN].sort());
  });

  it.each(NAMESPACES)('%s: every key is in both languages', (ns) => {
    const [first, ...others] = LANGS;
    const keys = Object.keys(catalogue(first!, ns)).sort();
    for (const lang of others) {
      const theirs = Object.keys(catalogue(lang, ns)).sort();
      expect({ lang, missing: keys.filter((k) => !theirs.includes(k)), extra: theirs.filter((k) => !keys.includes(k)) }).toEqual({ lang, missing: [], extra: [] });
    }
  });

  it('no key is in two namespaces', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const ns of NAMESPACES) {
      for (const key of Object.keys(catalogue('en', ns))) {
        if (seen.has(key)) twice.push(`${key} (${seen.get(key)}, ${ns})`);
        seen.set(key, ns);
      }
    }
    expect(twice).toEqual([]);
  });

  it.each(LANGS)('%s: every message is valid ICU', (lang) => {
    const bad: string[] = [];
    for (const [key, message] of Object.entries(all(lang))) {
      try {
        parse(message);
      } catch (error) {
        bad.push(`${key}: ${(error as Error).message}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('both languages use the same arguments, plurals and selects in each message', () => {
    const en = all('en');
    const zh = all('zh-Hans');
    const differ: string[] = [];
    for (const [key, message] of Object.entries(en)) {
      const other = zh[key];
      if (other === undefined) continue; // reported by the key test
      try {
        const a = parse(message);
        const b = parse(other);
        const [argsA, argsB] = [[...argumentsOf(a)].sort().join(', '), [...argumentsOf(b)].sort().join(', ')];
        if (argsA !== argsB || !isStructurallySame(a, b).success) differ.push(`${key}: en {${argsA}} / zh-Hans {${argsB}}`);
      } catch {
        // reported by the parse test
      }
    }
    expect(differ).toEqual([]);
  });

  it.each(LANGS)('%s: every message formats, and no apostrophe turns a placeholder into text', (lang) => {
    const { i18n } = makeI18n(lang, () => {});
    const bad: string[] = [];
    for (const [key, message] of Object.entries(all(lang))) {
      let args: Set<string>;
      try {
        args = argumentsOf(parse(message));
      } catch {
        continue; // reported by the parse test
      }
      const vars = Object.fromEntries([...args].map((a) => a.split(':') as [string, string]).map(([name, kind]) => [name, kind === 'argument' ? `‹${name}›` : 2]));
      const text = i18n.t(key as MessageKey, vars);
      // '{name}' in ICU is the literal text {name}: a quoting slip shows braces to the reader.
      if (/[{}]/.test(text) || text === key) bad.push(`${key}: ${text}`);
    }
    expect(bad).toEqual([]);
  });

  it('no Chinese message is the English one left untranslated', () => {
    const en = all('en');
    const zh = all('zh-Hans');
    const untranslated = Object.keys(en).filter((key) => {
      if (zh[key] !== en[key]) return false;
      // What is left once arguments and the shared names are taken out must hold no words.
      let text = (en[key] ?? '').replace(/\{[^{}]*\}/g, '');
      for (const word of SAME_IN_BOTH) text = text.split(word).join('');
      return /\p{L}/u.test(text);
    });
    expect(untranslated).toEqual([]);
  });

  it('every key the client names exists', () => {
    const keys = new Set(Object.keys(all('en')));
    const namespaces = new Set([...keys].map((k) => k.split('.')[0]));
    expect(SOURCES.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const [file, source] of SOURCES) {
      // t('key') and i18n.t("key"), whatever the key looks like.
      for (const m of source.matchAll(/\bt\(\s*(['"])([^'"]+)\1/g)) if (!keys.has(m[2]!)) missing.push(`${file}: t('${m[2]}')`);
      // Any other string shaped like a key of a known area, as in LANG_NAME_KEYS = { en: 'lang.en' }.
      for (const m of source.matchAll(/(['"])([a-z][A-Za-z]*\.[A-Za-z0-9_.-]+)\1/g)) {
        if (namespaces.has(m[2]!.split('.')[0]!) && !keys.has(m[2]!)) missing.push(`${file}: '${m[2]}'`);
      }
      // Keys built at run time, t(`jobs.status.${status}`): at least their prefix must exist.
      for (const m of source.matchAll(/\bt\(\s*`([a-zA-Z.-]+\.)\$\{/g)) if (![...keys].some((k) => k.startsWith(m[1]!))) missing.push(`${file}: t(\`${m[1]}…\`)`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
