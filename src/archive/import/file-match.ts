/**
 * Finding a record's files among the files of an import folder: glob patterns (`*`, `?`, `**`,
 * `\` escapes) and bare file names. Pure: the folder listing comes in as data.
 *
 * Matching ignores case and Unicode normalisation form (exports from Windows and macOS differ in
 * both), and a record's files come out in natural order (`_2` before `_10`).
 */

/** A regular file of the import folder. */
export interface FolderFile {
  /** Path relative to the folder, with `/`. */
  rel: string;
  /** Real path on disk (a key that is not a path when the path is not UTF-8, see folder-walk's pathKey). */
  abs: string;
  /** The real path's bytes, to open the file by. */
  bytes?: Buffer;
  size: number;
}

type Token = { lit: string } | { star: true } | { one: true } | { dirs: true };

const WILDCARD = /[*?\\]/g;

/** Folds a path for comparison: NFC, lower case. */
const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/** Escapes `*`, `?` and `\` so a value (e.g. an inventory number) matches literally inside a pattern. */
export function escapeGlob(value: string): string {
  return value.replace(WILDCARD, (c) => `\\${c}`);
}

/** The pattern with its escapes removed, for messages. */
export function showGlob(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const lit = (c: string): void => {
    const last = tokens[tokens.length - 1];
    if (last && 'lit' in last) last.lit += c;
    else tokens.push({ lit: c });
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) lit(pattern[++i]!);
    else if (c === '?') tokens.push({ one: true });
    else if (c === '*') {
      // `**` as a whole segment spans folders; anywhere else it is a plain `*`.
      const whole = pattern[i + 1] === '*' && (i === 0 || pattern[i - 1] === '/') && (i + 2 === pattern.length || pattern[i + 2] === '/');
      if (whole) {
        tokens.push({ dirs: true });
        i += pattern[i + 2] === '/' ? 2 : 1;
      } else {
        while (pattern[i + 1] === '*') i++;
        tokens.push({ star: true });
      }
    } else lit(c);
  }
  return tokens;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A compiled pattern: the regular expression over folded paths and its literal prefix. */
export interface CompiledGlob {
  regex: RegExp;
  prefix: string;
}

/** Compiles a glob for folder-relative paths; `**` as a whole segment matches any number of folders. */
export function compileGlob(pattern: string): CompiledGlob {
  const tokens = tokenize(pattern);
  let source = '';
  let prefix = '';
  let literalSoFar = true;
  tokens.forEach((t, i) => {
    if ('lit' in t) {
      source += escapeRegExp(fold(t.lit));
      if (literalSoFar) prefix += fold(t.lit);
    } else {
      literalSoFar = false;
      if ('one' in t) source += '[^/]';
      else if ('star' in t) source += '[^/]*';
      else source += i === tokens.length - 1 ? '.*' : '(?:[^/]+/)*';
    }
  });
  return { regex: new RegExp(`^${source}$`, 'u'), prefix };
}

/** Natural order of paths: digits compare as numbers, then plain code-unit order breaks ties. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
export function naturalOrder(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const baseName = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);

/** The files of an import folder, searchable by pattern and by name. */
export class FolderIndex {
  /** Files sorted by folded path, for prefix search. */
  private readonly sorted: { key: string; file: FolderFile }[];
  private readonly names = new Map<string, FolderFile[]>();

  constructor(readonly files: readonly FolderFile[]) {
    this.sorted = files.map((file) => ({ key: fold(file.rel), file })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const file of files) {
      const key = fold(baseName(file.rel));
      const list = this.names.get(key);
      if (list) list.push(file);
      else this.names.set(key, [file]);
    }
  }

  /**
   * Files whose path matches `pattern`, in natural order. A pattern that starts with literal text
   * (`images/A12*`) reads only the files under that prefix; one that starts with a wildcard reads all.
   */
  glob(pattern: string): FolderFile[] {
    const { regex, prefix } = compileGlob(pattern);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.key < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: FolderFile[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.key.startsWith(prefix); i++) {
      if (regex.test(this.sorted[i]!.key)) found.push(this.sorted[i]!.file);
    }
    return found.sort((a, b) => naturalOrder(a.rel, b.rel));
  }

  /** Files with this name in any folder: those with exactly this spelling if any, else those equal when folded. */
  byName(name: string): FolderFile[] {
    const candidates = this.names.get(fold(name)) ?? [];
    const exact = candidates.filter((f) => baseName(f.rel).normalize('NFC') === name.normalize('NFC'));
    return (exact.length > 0 ? exact : candidates).slice().sort((a, b) => naturalOrder(a.rel, b.rel));
  }
}
