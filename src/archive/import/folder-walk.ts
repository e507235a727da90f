import { TextDecoder } from 'node:util';
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorParams } from '../../platform/errors.js';
import type { FolderFile } from './file-match.js';
import { failed, skipped, type ImportItemResult } from './import-report.js';
import { messageOf } from './import-util.js';

/**
 * Why an entry of the import folder was not imported, by code, with the English reason. `hidden`
 * (dot-entries) and `folder_repeat` (a link to a folder already read, e.g. an ancestor: its files
 * are imported once) are skipped on purpose, by the import's rules, and keep the exit code 0; every
 * other code means something found could not be imported: counted as failed, `wenyuan import` exits 2.
 * Pipes are never opened (opening one blocks); links never lead out of the import folder.
 */
const REASONS = {
  hidden: (p) => (String(p.path).endsWith('/') ? 'is a hidden folder (its name starts with a dot); nothing inside it was read' : 'is a hidden file (its name starts with a dot); rename it to import it'),
  folder_repeat: (p) => `is a link to ${p.other === '.' ? 'the import folder' : String(p.other)}, which is read once (its files are imported from there)`,
  link_outside: (p) => `is a link to ${p.target}, outside the import folder; links are followed only inside it (copy the file in to import it)`,
  link_broken: () => 'is a link whose target does not exist',
  link_loop: () => 'is a link that leads back to itself (a loop), so it has no target',
  fifo: () => 'is a named pipe, not a file; it was not opened',
  socket: () => 'is a socket, not a file',
  device: () => 'is a device, not a file',
  special: () => 'is neither a file nor a folder',
  folder_unreadable: (p) => `folder cannot be read: ${p.error}`,
  vanished: () => 'disappeared while the folder was read',
} satisfies Record<string, (p: ErrorParams) => string>;

export type WalkCode = keyof typeof REASONS;

/** A regular file found under the import folder. */
export interface WalkFile extends FolderFile {
  kind: 'file';
  /** The real path as the file system spells it: names that are not UTF-8 reach the file only this way. */
  bytes: Buffer;
  /** The relative path's bytes in hex, when some part of it is not UTF-8 (the report keeps them). */
  pathBytes?: string;
  /** E.g. that the name was read as GB18030. */
  warnings?: string[];
}

/** Something found that is not imported as a file, with its reason code, its parameters and an English reason. */
export interface WalkOther {
  kind: 'skipped' | 'failed';
  rel: string;
  code: WalkCode;
  params: ErrorParams;
  reason: string;
  /** Real path key of a file left out (a hidden file that a record may still name). */
  abs?: string;
  pathBytes?: string;
}

/** One thing found under an import folder: a file to consider, or one left out and why. */
export type WalkEntry = WalkFile | WalkOther;

const SEP = Buffer.from(path.sep);
const join = (dir: Buffer, name: Buffer): Buffer => Buffer.concat([dir, SEP, name]);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const GB18030 = new TextDecoder('gb18030', { fatal: true });
const LOSSY = new TextDecoder('utf-8');

// Characters a GBK name misread as UTF-8 turns into: C1 controls, Latin Extended-B, IPA letters and
// spacing modifiers (山水 in GBK is c9bd cbae, valid UTF-8 for "ɽˮ").
const HAS_HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const MISREAD = /^[\x20-\x7e\u0080-\u009f\u0180-\u02ff]*$/u;
const HAS_NON_ASCII = /[^\x00-\x7f]/u;

function strict(decoder: TextDecoder, bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Whether bytes are ASCII and GB2312 pairs (lead a1–f7, trail a1–fe): the common characters Chinese
 * names are written in. UTF-8 Latin, Greek and Cyrillic mostly fail it (their second bytes are 80–a0).
 */
function gb2312(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const t = bytes[++i] ?? 0;
    if (b < 0xa1 || b > 0xf7 || t < 0xa1 || t > 0xfe) return false;
  }
  return true;
}

/** Whether a name is GBK beyond doubt: not UTF-8, but GB18030. Such a name in a folder makes its neighbours suspect too. */
export function plainlyGbk(bytes: Uint8Array): boolean {
  return strict(UTF8, bytes) === null && strict(GB18030, bytes) !== null;
}

export type DecodedName = { name: string; encoding: 'utf-8' | 'gb18030' | 'unknown'; asUtf8?: string };

/**
 * A file name's bytes as text: UTF-8 when valid, else GB18030 (a superset of the GBK that zip
 * archives made on a Chinese Windows carry, unzipped as raw bytes on Linux), else UTF-8 with
 * replacement characters. Some GBK names are also valid UTF-8 (as gibberish); they are read as
 * GB18030 when that gives Chinese and UTF-8 gives no Chinese, and either the UTF-8 reading is of the
 * kind a misread GBK name gives or `gbkNearby` (a neighbour or a parent folder is plainly GBK).
 */
export function decodeName(bytes: Uint8Array, gbkNearby = false): DecodedName {
  const utf8 = strict(UTF8, bytes);
  const gb = strict(GB18030, bytes);
  if (utf8 !== null) {
    const chineseInGb = gb !== null && HAS_HAN.test(gb) && gb2312(bytes);
    if (chineseInGb && HAS_NON_ASCII.test(utf8) && !HAS_HAN.test(utf8) && (gbkNearby || MISREAD.test(utf8))) return { name: gb, encoding: 'gb18030', asUtf8: utf8 };
    return { name: utf8, encoding: 'utf-8' };
  }
  if (gb !== null) return { name: gb, encoding: 'gb18030' };
  return { name: LOSSY.decode(bytes), encoding: 'unknown' };
}

/**
 * A real path as a string key: the path itself when it is UTF-8, else a string that cannot be a
 * path (it starts with NUL), so no two files share a key and no one opens the key by mistake.
 */
export function pathKey(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return `\0${bytes.toString('hex')}`;
  }
}

const byBytes = (a: Dirent<Buffer>, b: Dirent<Buffer>): number => Buffer.compare(a.name, b.name);
const inside = (root: Buffer, real: Buffer): boolean => real.length > root.length + SEP.length && real.subarray(0, root.length).equals(root) && real.subarray(root.length, root.length + SEP.length).equals(SEP);

function typeOf(info: Stats | Dirent<Buffer>): 'file' | 'folder' | WalkCode | null {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'folder';
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device';
  return null;
}


/**
 * Everything under `root`, depth first, each directory's entries sorted by their bytes. Names are
 * read as bytes, so a name that is not UTF-8 is found, decoded (see decodeName) and opened by its
 * bytes. Regular files (and links to files inside `root`) come out as files; everything else found
 * comes out with a reason code, so nothing disappears silently. Links are resolved without ever
 * leaving `root`, pipes and devices are never opened, folders are read once each (by device and
 * inode, so link cycles end). Holds one directory listing per level in memory, never the whole tree.
 */
export async function* walkFolder(root: string): AsyncGenerator<WalkEntry> {
  const rootBytes = await realpath(root, { encoding: 'buffer' });
  const rootInfo = await stat(rootBytes);
  const visited = new Map<string, string>([[`${rootInfo.dev}:${rootInfo.ino}`, '']]);

  async function* walk(dir: Buffer, relDir: string, relBytes: Buffer | null, odd: boolean, gbkAbove: boolean): AsyncGenerator<WalkEntry> {
    let entries: Dirent<Buffer>[];
    try {
      entries = (await readdir(dir, { withFileTypes: true, encoding: 'buffer' })).sort(byBytes);
    } catch (error) {
      const rel = `${relDir}/`;
      yield { kind: 'failed', rel, code: 'folder_unreadable', params: { path: rel, error: messageOf(error) }, reason: REASONS.folder_unreadable({ error: messageOf(error) }), ...(odd && relBytes ? { pathBytes: relBytes.toString('hex') } : {}) };
      return;
    }
    const gbkNearby = gbkAbove || entries.some((e) => plainlyGbk(e.name));
    for (const entry of entries) {
      const decoded = decodeName(entry.name, gbkNearby);
      const abs = join(dir, entry.name);
      const rel = relDir ? `${relDir}/${decoded.name}` : decoded.name;
      const entryBytes = relBytes ? Buffer.concat([relBytes, Buffer.from('/'), entry.name]) : entry.name;
      const entryOdd = odd || decoded.encoding !== 'utf-8';
      const bytesField = entryOdd ? { pathBytes: entryBytes.toString('hex') } : {};
      const other = (kind: 'skipped' | 'failed', code: WalkCode, params: ErrorParams = {}, shown = rel, key?: Buffer): WalkOther => ({
        kind,
        rel: shown,
        code,
        params: { path: shown, ...params },
        reason: REASONS[code]({ path: shown, ...params }),
        ...(key ? { abs: pathKey(key) } : {}),
        ...bytesField,
      });
      // Dot-entries are left out by rule, whatever they are (not even a link of them is resolved).
      if (entry.name[0] === 0x2e) {
        yield entry.isDirectory() ? other('skipped', 'hidden', {}, `${rel}/`) : other('skipped', 'hidden', {}, rel, entry.isFile() ? abs : undefined);
        continue;
      }

      let target = abs;
      let type = typeOf(entry);
      let info: Stats | null = null;
      if (entry.isSymbolicLink()) {
        let real: Buffer;
        try {
          real = await realpath(abs, { encoding: 'buffer' });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          yield code === 'ELOOP' ? other('failed', 'link_loop') : other('failed', 'link_broken');
          continue;
        }
        if (!real.equals(rootBytes) && !inside(rootBytes, real)) {
          yield other('failed', 'link_outside', { target: pathKey(real).replace(/^\0/, '') });
          continue;
        }
        target = real;
        info = await stat(real).catch(() => null);
        type = info ? typeOf(info) : 'vanished';
      }
      if (type === 'file') {
        info ??= await stat(target).catch(() => null);
        if (!info?.isFile()) {
          yield other('failed', 'vanished');
          continue;
        }
        const warnings = nameWarnings(rel, decoded, entryBytes);
        yield { kind: 'file', rel, abs: pathKey(target), bytes: target, size: info.size, ...bytesField, ...(warnings.length > 0 ? { warnings } : {}) };
      } else if (type === 'folder') {
        const folderRel = `${rel}/`;
        info ??= await stat(target).catch(() => null);
        if (!info?.isDirectory()) {
          yield other('failed', 'vanished', {}, folderRel);
          continue;
        }
        // Read by its real path, checked again: a folder swapped for a link meanwhile must not lead out.
        const real = await realpath(target, { encoding: 'buffer' }).catch(() => null);
        if (!real || (!real.equals(rootBytes) && !inside(rootBytes, real))) {
          yield real ? other('failed', 'link_outside', { target: pathKey(real).replace(/^\0/, '') }, folderRel) : other('failed', 'vanished', {}, folderRel);
          continue;
        }
        const id = `${info.dev}:${info.ino}`;
        const seen = visited.get(id);
        if (seen !== undefined) {
          yield other('skipped', 'folder_repeat', { other: seen === '' ? '.' : `${seen}/` }, folderRel);
          continue;
        }
        visited.set(id, rel);
        yield* walk(real, rel, entryBytes, entryOdd, gbkNearby);
      } else if (type === 'fifo' || type === 'socket' || type === 'device') {
        yield other('failed', type);
      } else {
        yield other('failed', type === null ? 'special' : 'vanished');
      }
    }
  }
  yield* walk(rootBytes, '', null, false, false);
}

function nameWarnings(rel: string, decoded: DecodedName, bytes: Buffer): string[] {
  const hex = bytes.toString('hex');
  if (decoded.encoding === 'gb18030' && decoded.asUtf8 !== undefined) {
    return [`${rel}: the name was read as GB18030/GBK (bytes ${hex}); read as UTF-8 it would be ${JSON.stringify(decoded.asUtf8)}`];
  }
  if (decoded.encoding === 'gb18030') return [`${rel}: the name is not UTF-8; it was read as GB18030/GBK (bytes ${hex})`];
  if (decoded.encoding === 'unknown') return [`${rel}: the name is neither UTF-8 nor GB18030; undecodable bytes are shown as \uFFFD (bytes ${hex})`];
  return [];
}

/** The report line of an entry that is not a file: skipped on purpose or failed, with its code and message key. */
export function walkResult(entry: WalkOther): ImportItemResult {
  const why = { code: entry.code, key: `import.${entry.code}`, params: entry.params };
  const result = entry.kind === 'skipped' ? skipped(entry.rel, `${entry.rel}: ${entry.reason}`, why) : failed(entry.rel, `${entry.rel}: ${entry.reason}`, [], why);
  return entry.pathBytes ? { ...result, pathBytes: entry.pathBytes } : result;
}

/** A path from a record, resolved inside the folder (symbolic links may not lead out of it). */
export async function resolveInside(folder: string, rel: string): Promise<{ abs: string; bytes: Buffer; size: number } | { error: string; missing?: true }> {
  let real: string;
  try {
    real = await realpath(path.join(folder, rel));
  } catch {
    return { error: `was not found in the import folder ${folder}`, missing: true };
  }
  if (!real.startsWith(folder + path.sep)) return { error: 'is a link that points outside the import folder' };
  const info = await stat(real);
  if (!info.isFile()) return { error: 'is not a regular file' };
  return { abs: real, bytes: Buffer.from(real), size: info.size };
}

/** Whether a real path is the records source itself (the file, or a .json record under the records folder): not reported as unmatched. */
export async function recordsInput(records: string): Promise<(abs: string) => boolean> {
  const real = await realpath(records).catch(() => path.resolve(records));
  const isDir = (await stat(real).catch(() => null))?.isDirectory() ?? false;
  return isDir ? (abs) => abs.startsWith(real + path.sep) && abs.toLowerCase().endsWith('.json') : (abs) => abs === real;
}
