import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPluralElement, isSelectElement, isTagElement, parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { PLATFORM_ERROR_KEYS, type ErrorKeyTable } from '../../src/platform/errors.js';
import { ERROR_STATUS } from '../../src/platform/http/error-status.js';

/**
 * Every message key the server can send has a message in both interface languages, with exactly
 * the parameters the server sends.
 *
 * Why this covers every throw: AppError takes `{ key, params }` typed by `ErrorKeys`, which only the
 * key tables (`PLATFORM_ERROR_KEYS` and each module's `src/<module>/<module>.errors.ts`) extend, so a
 * throw with an undeclared key or other parameters fails the type check; this test reads every table
 * (and checks below that no key is declared or thrown anywhere else), so a declared key without a
 * translation, or a translation whose ICU arguments differ from the declared parameters, fails here.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');
const LANGS = ['en', 'zh-Hans'] as const;
/** The web client looks a server key up as `serverError.<key>`, a code as `serverErrorCode.<code>`. */
const KEY_PREFIX = 'serverError.';
const CODE_PREFIX = 'serverErrorCode.';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const SOURCES = sourceFiles(SRC).map((file) => ({ file: path.relative(ROOT, file), text: fs.readFileSync(file, 'utf8') }));
const TABLE_FILES = SOURCES.filter((s) => s.file.endsWith('.errors.ts'));

const isTable = (value: unknown): value is ErrorKeyTable =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => Array.isArray(v) && v.every((p) => typeof p === 'string'));

/** Every declared key with its parameters, from the platform's and every module's table. */
async function declaredKeys(): Promise<Map<string, { params: readonly string[]; table: string }>> {
  const tables: [string, ErrorKeyTable][] = [['src/platform/errors.ts', PLATFORM_ERROR_KEYS]];
  for (const { file } of TABLE_FILES) {
    const module = (await import(pathToFileURL(path.join(ROOT, file)).href)) as Record<string, unknown>;
    const found = Object.entries(module).filter(([name, value]) => name.endsWith('_ERROR_KEYS') && isTable(value));
    expect(found.length, `${file} exports its table as <MODULE>_ERROR_KEYS`).toBeGreaterThan(0);
    for (const [, table] of found) tables.push([file, table as ErrorKeyTable]);
  }
  const keys = new Map<string, { params: readonly string[]; table: string }>();
  for (const [table, entries] of tables) {
    for (const [key, params] of Object.entries(entries)) {
      expect(keys.get(key)?.table, `${key} is declared in ${keys.get(key)?.table} and ${table}`).toBeUndefined();
      keys.set(key, { params, table });
    }
  }
  return keys;
}

function catalogue(lang: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'web/src/locales', lang, 'server-errors.json'), 'utf8')) as Record<string, string>;
}

/** The names of a message's arguments, nested ones (inside plurals, selects, tags) included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (isTagElement(el)) {
      argumentsOf(el.children, into);
      continue;
    }
    into.add(el.value);
    if (isPluralElement(el) || isSelectElement(el)) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
  }
  return into;
}

/** The codes errors are thrown with: the status table's, the fallback, and every literal code in the source. */
function thrownCodes(): Set<string> {
  const codes = new Set([...Object.keys(ERROR_STATUS), 'internal', 'not_found', 'unauthenticated', 'forbidden', 'invalid_input', 'conflict']);
  for (const { text } of SOURCES) {
    for (const m of text.matchAll(/new (?:AppError|TlogError)\(\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/^\s*\| '([a-z_]+)'(?= *\/\/| *;|$)/gm)) codes.add(m[1]!); // TlogErrorCode members
  }
  return codes;
}

describe('server error keys', async () => {
  const keys = await declaredKeys();
  const messages = Object.fromEntries(LANGS.map((lang) => [lang, catalogue(lang)])) as Record<(typeof LANGS)[number], Record<string, string>>;

  it('are declared in the tables the test reads', () => {
    expect(keys.size).toBeGreaterThan(100);
    // A module that adds keys anywhere but a table of its *.errors.ts would escape this test.
    const elsewhere = SOURCES.filter((s) => /interface ErrorKeys\b/.test(s.text) && !s.file.endsWith('.errors.ts') && s.file !== 'src/platform/errors.ts');
    expect(elsewhere.map((s) => s.file)).toEqual([]);
  });

  it('every key written in the source is declared', () => {
    const undeclared: string[] = [];
    for (const { file, text } of SOURCES) {
      // `{ key: 'not_found.work', … }` as AppError and CommonErrors take it (keys of one word, like
      // `internal`, are the platform's own; other `key:` properties, as of eras, have no dot)…
      for (const m of text.matchAll(/\bkey: '([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) if (!keys.has(m[1]!)) undeclared.push(`${file}: ${m[1]}`);
      // …and `CommonErrors.notFound('work', …)`, which sends `not_found.work`.
      for (const m of text.matchAll(/CommonErrors\.notFound\(\s*'([a-z_]+)'/g)) if (!keys.has(`not_found.${m[1]}`)) undeclared.push(`${file}: not_found.${m[1]}`);
    }
    expect(undeclared).toEqual([]);
  });

  it.each(LANGS)('%s: every key has a message', (lang) => {
    const missing = [...keys.keys()].filter((key) => typeof messages[lang][KEY_PREFIX + key] !== 'string');
    expect(missing).toEqual([]);
  });

  it.each(LANGS)('%s: every message is valid ICU whose arguments are exactly the parameters the server sends', (lang) => {
    const wrong: string[] = [];
    for (const [key, { params }] of keys) {
      const message = messages[lang][KEY_PREFIX + key];
      if (message === undefined) continue; // reported above
      try {
        const used = [...argumentsOf(parse(message))].sort();
        const sent = [...params].sort();
        if (used.join() !== sent.join()) wrong.push(`${key}: message uses {${used.join(', ')}}, the server sends {${sent.join(', ')}}`);
      } catch (error) {
        wrong.push(`${key}: ${(error as Error).message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(LANGS)('%s: every code has a message to fall back on, and no message is for a key the server no longer sends', (lang) => {
    const codes = [...thrownCodes()].filter((code) => typeof messages[lang][CODE_PREFIX + code] !== 'string');
    expect(codes).toEqual([]);
    const stale = Object.keys(messages[lang]).filter((id) => id.startsWith(KEY_PREFIX) && !keys.has(id.slice(KEY_PREFIX.length)));
    expect(stale).toEqual([]);
  });
});
