import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { messageOf } from './import-util.js';

/** One thing found under an import folder: a file to consider, or one left out and why. */
export type WalkEntry =
  | { kind: 'file'; rel: string; abs: string; size: number }
  | { kind: 'skipped'; rel: string; reason: string; abs?: string }
  | { kind: 'unreadable'; rel: string; error: string };

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Everything under `root`, depth first, each directory's entries sorted by name. Regular files (and
 * links to files inside `root`) come out as files; everything else that is found comes out as
 * `skipped` with the reason, so nothing disappears silently: dot-files and dot-folders (whose
 * contents are not read), links leading outside `root` or nowhere, devices, pipes, and links back
 * to a folder already walked. Holds one directory listing per level in memory, never the whole tree.
 */
export async function* walkFolder(root: string): AsyncGenerator<WalkEntry> {
  const visited = new Map<string, string>([[root, '']]);
  async function* walk(dir: string, relDir: string): AsyncGenerator<WalkEntry> {
    let entries;
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
    } catch (error) {
      yield { kind: 'unreadable', rel: `${relDir}/`, error: `folder cannot be read: ${messageOf(error)}` };
      return;
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let target = abs;
      if (entry.isSymbolicLink()) {
        const real = await realpath(abs).catch(() => null);
        if (!real) {
          yield { kind: 'skipped', rel, reason: 'is a link whose target does not exist' };
          continue;
        }
        if (!real.startsWith(root + path.sep)) {
          yield { kind: 'skipped', rel, reason: `is a link to ${real}, outside the import folder; links are followed only inside it` };
          continue;
        }
        target = real;
      } else if (!entry.isFile() && !entry.isDirectory()) {
        yield { kind: 'skipped', rel, reason: 'is not a regular file or folder (a device, pipe or socket)' };
        continue;
      }
      const info = await stat(target).catch(() => null);
      const hidden = entry.name.startsWith('.');
      if (info?.isFile()) {
        if (hidden) yield { kind: 'skipped', rel, abs: target, reason: 'is a hidden file (its name starts with a dot); rename it to import it' };
        else yield { kind: 'file', rel, abs: target, size: info.size };
      } else if (info?.isDirectory()) {
        if (hidden) {
          yield { kind: 'skipped', rel: `${rel}/`, reason: 'is a hidden folder (its name starts with a dot); nothing inside it was read' };
          continue;
        }
        const real = await realpath(target);
        const seen = visited.get(real);
        if (seen !== undefined) {
          yield { kind: 'skipped', rel: `${rel}/`, reason: `is the same folder as ${seen === '' ? 'the import folder' : `${seen}/`} (through a link), which is read once` };
          continue;
        }
        visited.set(real, rel);
        yield* walk(real, rel);
      } else {
        yield { kind: 'skipped', rel, reason: 'disappeared while the folder was read' };
      }
    }
  }
  yield* walk(root, '');
}

/** A path from a record, resolved inside the folder (symbolic links may not lead out of it). */
export async function resolveInside(folder: string, rel: string): Promise<{ abs: string; size: number } | { error: string; missing?: true }> {
  let real: string;
  try {
    real = await realpath(path.join(folder, rel));
  } catch {
    return { error: `was not found in the import folder ${folder}`, missing: true };
  }
  if (!real.startsWith(folder + path.sep)) return { error: 'is a link that points outside the import folder' };
  const info = await stat(real);
  if (!info.isFile()) return { error: 'is not a regular file' };
  return { abs: real, size: info.size };
}

/** Whether a real path is the records source itself (the file, or a .json record under the records folder): not reported as unmatched. */
export async function recordsInput(records: string): Promise<(abs: string) => boolean> {
  const real = await realpath(records).catch(() => path.resolve(records));
  const isDir = (await stat(real).catch(() => null))?.isDirectory() ?? false;
  return isDir ? (abs) => abs.startsWith(real + path.sep) && abs.toLowerCase().endsWith('.json') : (abs) => abs === real;
}
