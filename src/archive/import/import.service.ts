import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { canReadWork, type Actor } from '../../govern/roles.js';
import { RENDERABLE_IMAGES, sniffFile } from '../../media/file-kind.js';
import { cleanFileName } from '../../media/file-name.js';
import { probeImage } from '../../media/image-probe.js';
import { AppError, CommonErrors } from '../../platform/errors.js';
import { formatBytes, type IngestService } from '../ingest.service.js';
import type { WorkRepository, WorkRow } from '../work.repository.js';
import { validateMetadata, type StoredFileInput, type Visibility, type WorkService } from '../work.service.js';
import type { TextEncodingOption } from './decode-text.js';
import { mapRecords, type ImportItem } from './map-records.js';
import type { Mapping } from './mapping.js';

export type ImportStatus = 'imported' | 'updated' | 'unchanged' | 'failed';

/** What happened to one file or record. In a dry run: what would happen. */
export interface ImportItemResult {
  item: string;
  status: ImportStatus;
  workId?: string;
  sha256?: string;
  reason?: string;
  warnings?: string[];
}

export interface ImportReport {
  imported: number;
  updated: number;
  unchanged: number;
  failed: number;
  items: ImportItemResult[];
}

export interface ImportProgress {
  done: number;
  total: number;
  item: ImportItemResult;
}

export interface ImportRequest {
  /** Files are read from here; record `files` are relative to it. */
  folder: string;
  /** With `mapping`: a CSV/JSON/JSON-lines file or a folder of JSON files, one work per record. */
  records?: string;
  mapping?: Mapping;
  dryRun?: boolean;
  /** Visibility and collection of works the import creates (existing works keep theirs). */
  visibility?: Visibility;
  collectionId?: string | null;
  encoding?: TextEncodingOption;
  /** Items worked on at once (default 2). */
  concurrency?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportDeps {
  ingest: IngestService;
  works: WorkService;
  repo: WorkRepository;
  limits: { maxUploadBytes: number; maxImagePixels: number };
  /** Names a user in warnings ("edited by alice"); ids are shown without it. */
  userName?: (id: string) => Promise<string | null>;
}

type Job = { seq: number } & ({ kind: 'file'; label: string; abs: string; size: number } | { kind: 'unreadable'; label: string; error: string } | { kind: 'record'; item: ImportItem });

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Imports a folder of files (one work each) or a set of records with a mapping (one work per record,
 * files attached), reporting per item. Re-runs are cheap and safe: content already archived and
 * records whose mapped metadata did not change are `unchanged`. A dry run reads, hashes and probes
 * but writes nothing to the database or the blob store.
 */
export class ImportService {
  constructor(private readonly deps: ImportDeps) {}

  async run(actor: Actor, request: ImportRequest): Promise<ImportReport> {
    const folder = await realFolder(request.folder);
    const concurrency = Math.max(1, Math.min(request.concurrency ?? 2, 32));
    let total = 0; // counted up front only when someone watches the progress
    let jobs: AsyncIterable<Job> | Iterable<Job>;
    if (request.records !== undefined) {
      if (!request.mapping) throw CommonErrors.invalid('records need a mapping');
      const items = await this.readItems(request.records, request.mapping, request.encoding);
      total = items.length;
      jobs = items.map((item, seq): Job => ({ seq, kind: 'record', item }));
    } else {
      if (request.onProgress) for await (const _ of walkFiles(folder)) total++;
      jobs = walkJobs(folder);
    }

    const results: ImportItemResult[] = [];
    const seen = new Map<string, string>(); // sha256 → first item, so a dry run reports in-run duplicates
    const locks = new KeyedLock();
    let done = 0;
    await pool(jobs, concurrency, async (job) => {
      const result =
        job.kind === 'file'
          ? await this.importFile(actor, request, job, seen, locks)
          : job.kind === 'record'
            ? await this.importRecord(actor, request, job.item, folder)
            : failed(job.label, `${job.label}: ${job.error}`);
      results[job.seq] = result;
      request.onProgress?.({ done: ++done, total, item: result });
    });
    const count = (s: ImportStatus): number => results.filter((r) => r.status === s).length;
    return { imported: count('imported'), updated: count('updated'), unchanged: count('unchanged'), failed: count('failed'), items: results };
  }

  /** Reads and maps every record; a file that cannot be read at all is fatal, a bad row is not. */
  private async readItems(records: string, mapping: Mapping, encoding: TextEncodingOption | undefined): Promise<ImportItem[]> {
    const info = await stat(records).catch(() => null);
    if (!info) throw CommonErrors.invalid(`records ${records} not found`);
    const items: ImportItem[] = [];
    for await (const item of mapRecords(records, mapping, encoding ? { encoding } : {})) {
      // The reader labels a whole-file failure with the file name alone (rows are "file row N").
      if (info.isFile() && items.length === 0 && !item.result.ok && item.label === path.basename(records)) {
        throw CommonErrors.invalid(`records ${item.result.error}`);
      }
      items.push(item);
    }
    return items;
  }

  private async importFile(actor: Actor, request: ImportRequest, job: Extract<Job, { kind: 'file' }>, seen: Map<string, string>, locks: KeyedLock): Promise<ImportItemResult> {
    const item = job.label;
    try {
      this.checkSize(job.size);
      const sha256 = await hashFile(job.abs);
      // One item per content at a time: two identical files must not both become new works.
      return await locks.run(sha256, async (): Promise<ImportItemResult> => {
        const holder = (await this.deps.repo.worksWithFile(sha256)).find((h) => canReadWork(actor, h));
        if (holder) return { item, status: 'unchanged', workId: holder.work_id, sha256 };
        const first = seen.get(sha256);
        if (request.dryRun) {
          if (first !== undefined) return { item, status: 'unchanged', sha256, warnings: [`same content as ${first}`] };
          seen.set(sha256, item);
          const warnings = await this.checkContent(job.abs, cleanFileName(path.posix.basename(item)));
          return { item, status: 'imported', sha256, ...(warnings.length > 0 ? { warnings } : {}) };
        }
        // The name as listed, not the link target's: it becomes the title.
        const result = await this.deps.ingest.ingest(actor, createReadStream(job.abs), path.posix.basename(item), {
          visibility: request.visibility ?? 'private',
          collectionId: request.collectionId ?? null,
        });
        const warnings = [...result.warnings];
        if (result.sha256 !== sha256) warnings.push('the file changed while it was being imported; the stored copy is the later one');
        return { item, status: result.status, workId: result.workId, sha256: result.sha256, ...(warnings.length > 0 ? { warnings } : {}) };
      });
    } catch (error) {
      return failed(item, `${item}: ${messageOf(error)}`);
    }
  }

  private async importRecord(actor: Actor, request: ImportRequest, source: ImportItem, folder: string): Promise<ImportItemResult> {
    const item = source.label;
    const mapped = source.result;
    if (!mapped.ok) return failed(item, mapped.error);
    const warnings = [...mapped.warnings];
    try {
      // Every named file must exist, inside the folder, before anything is written.
      const files: { rel: string; abs: string; size: number; sha256: string }[] = [];
      for (const rel of mapped.files) {
        const found = await resolveInside(folder, rel);
        if ('error' in found) return failed(item, `${item}: file "${rel}" ${found.error}`);
        try {
          this.checkSize(found.size);
        } catch (error) {
          return failed(item, `${item}: file "${rel}": ${messageOf(error)}`);
        }
        files.push({ rel, abs: found.abs, size: found.size, sha256: await hashFile(found.abs) });
      }
      const sha256 = files.length === 1 ? { sha256: files[0]!.sha256 } : {};
      const metadata = validateMetadata(mapped.metadata);
      const existing = await this.deps.repo.findBySourceKey(mapped.sourceId);
      const attached = new Set(existing ? (await this.deps.repo.filesOf([existing.id])).map((f) => f.sha256) : []);
      const fresh = files.filter((f, i) => !attached.has(f.sha256) && files.findIndex((g) => g.sha256 === f.sha256) === i);

      const stored: StoredFileInput[] = [];
      for (const f of fresh) {
        const name = cleanFileName(path.basename(f.rel));
        try {
          if (request.dryRun) warnings.push(...(await this.checkContent(f.abs, name)).map((w) => `${f.rel}: ${w}`));
          else {
            const blob = await this.deps.ingest.store(createReadStream(f.abs));
            const prepared = await this.deps.ingest.prepare(blob.sha256, blob.size, name);
            warnings.push(...prepared.warnings.map((w) => `${f.rel}: ${w}`));
            stored.push(prepared.file);
          }
        } catch (error) {
          return failed(item, `${item}: file "${f.rel}": ${messageOf(error)}`, warnings);
        }
      }

      const note = `imported from ${item}`;
      if (!existing) {
        if (request.dryRun) return done(item, 'imported', undefined, sha256, warnings);
        const work = await this.deps.works.create(actor, {
          metadata,
          visibility: request.visibility ?? 'private',
          collectionId: request.collectionId ?? null,
          sourceKey: mapped.sourceId,
          files: stored,
          note,
        });
        return done(item, 'imported', work.id, sha256, warnings);
      }

      const change = await this.metadataChange(actor, existing, metadata);
      warnings.push(...change.warnings);
      if (!change.update && fresh.length === 0) return done(item, 'unchanged', existing.id, sha256, warnings);
      if (!request.dryRun) {
        if (change.update) await this.deps.works.update(actor, existing.id, { expectedVersion: existing.version, metadata, note });
        if (stored.length > 0) await this.deps.works.addFiles(actor, existing.id, stored);
      }
      return done(item, 'updated', existing.id, sha256, warnings);
    } catch (error) {
      return failed(item, `${item}: ${messageOf(error)}`, warnings);
    }
  }

  /**
   * Whether a re-imported record changes the work. Compared with what the import last wrote, so a
   * curator's later edit survives re-runs of an unchanged source; a changed source still wins, with a warning.
   */
  private async metadataChange(actor: Actor, row: WorkRow, next: unknown): Promise<{ update: boolean; warnings: string[] }> {
    const wanted = canonicalJson(next);
    if (canonicalJson(JSON.parse(row.metadata)) === wanted) return { update: false, warnings: [] };
    const importer = actor.kind === 'user' ? actor.id : null;
    const versions = await this.deps.repo.listVersions(row.id);
    const latest = versions.find((v) => v.version === row.version);
    if (!latest || latest.changed_by === importer) return { update: true, warnings: [] };
    const who = await this.describeUser(latest.changed_by);
    const lastImport = versions.find((v) => v.changed_by === importer);
    if (lastImport && canonicalJson(JSON.parse(lastImport.metadata)) === wanted) {
      return { update: false, warnings: [`version ${row.version} by ${who} differs from this record; the source has not changed since the import of version ${lastImport.version}, so the edit was kept`] };
    }
    return { update: true, warnings: [`version ${row.version} was made by ${who}, not by the import; the changed source record replaces it (earlier versions stay in the history)`] };
  }

  private async describeUser(id: string | null): Promise<string> {
    if (id === null) return 'an unknown user';
    const name = await this.deps.userName?.(id).catch(() => null);
    return name ? `${name} (${id})` : `user ${id}`;
  }

  private checkSize(size: number): void {
    if (size === 0) throw CommonErrors.invalid('file is empty (0 bytes)');
    if (size > this.deps.limits.maxUploadBytes) throw new AppError('payload_too_large', `file is larger than the upload limit of ${formatBytes(this.deps.limits.maxUploadBytes)}`);
  }

  /**
   * The checks IngestService.prepare makes, on the original file and without writing: prepare stores
   * the thumbnail it makes, which a dry run must not. Returns warnings; throws what prepare would.
   */
  private async checkContent(abs: string, name: string): Promise<string[]> {
    const type = await sniffFile(abs, name);
    if (type.unreadable) throw new AppError('corrupt_file', type.unreadable);
    const warnings = type.mismatch ? [type.mismatch] : [];
    if (type.kind === 'image' && RENDERABLE_IMAGES.has(type.mediaType)) await probeImage(abs, this.deps.limits.maxImagePixels);
    else if (type.kind === 'image') warnings.push(`${type.mediaType} is stored but not rendered; no thumbnail`);
    return warnings;
  }
}

function done(item: string, status: ImportStatus, workId: string | undefined, sha256: { sha256?: string }, warnings: string[]): ImportItemResult {
  return { item, status, ...(workId ? { workId } : {}), ...sha256, ...(warnings.length > 0 ? { warnings } : {}) };
}

function failed(item: string, reason: string, warnings: string[] = []): ImportItemResult {
  return { item, status: 'failed', reason, ...(warnings.length > 0 ? { warnings } : {}) };
}

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'cannot be read (permission denied)';
  if (e?.code === 'ENOENT') return 'disappeared while importing';
  return error instanceof Error ? error.message : String(error);
}

async function realFolder(folder: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(folder);
  } catch {
    throw CommonErrors.invalid(`folder ${folder} not found`);
  }
  if (!(await stat(real)).isDirectory()) throw CommonErrors.invalid(`${folder} is not a folder`);
  try {
    await readdir(real);
  } catch (error) {
    throw CommonErrors.invalid(`folder ${folder} cannot be read: ${(error as Error).message}`);
  }
  return real;
}

/** A path from a record, resolved inside the folder (symbolic links may not lead out of it). */
async function resolveInside(folder: string, rel: string): Promise<{ abs: string; size: number } | { error: string }> {
  let real: string;
  try {
    real = await realpath(path.join(folder, rel));
  } catch {
    return { error: `was not found in the import folder ${folder}` };
  }
  if (!real.startsWith(folder + path.sep)) return { error: 'is a link that points outside the import folder' };
  const info = await stat(real);
  if (!info.isFile()) return { error: 'is not a regular file' };
  return { abs: real, size: info.size };
}

type Found = { abs: string; rel: string; size: number } | { rel: string; error: string };

/**
 * Regular files under `root`, depth first, each directory's entries sorted by name. Skips dot-files
 * and dot-folders, links that lead outside `root`, and anything that is not a file (devices, pipes).
 * Holds one directory listing per level in memory, never the whole tree.
 */
async function* walkFiles(root: string): AsyncGenerator<Found> {
  const visited = new Set<string>([root]);
  async function* walk(dir: string, relDir: string): AsyncGenerator<Found> {
    let entries;
    try {
      entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => byName(a.name, b.name));
    } catch (error) {
      yield { rel: `${relDir}/`, error: `folder cannot be read: ${messageOf(error)}` };
      return;
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let target = abs;
      if (entry.isSymbolicLink()) {
        const real = await realpath(abs).catch(() => null);
        if (!real || !real.startsWith(root + path.sep)) continue;
        target = real;
      } else if (!entry.isFile() && !entry.isDirectory()) continue;
      const info = await stat(target).catch(() => null);
      if (info?.isFile()) yield { abs: target, rel, size: info.size };
      else if (info?.isDirectory()) {
        const real = await realpath(target);
        if (visited.has(real)) continue; // a link back up the tree
        visited.add(real);
        yield* walk(real, rel);
      }
    }
  }
  yield* walk(root, '');
}

async function* walkJobs(root: string): AsyncGenerator<Job> {
  let seq = 0;
  for await (const f of walkFiles(root)) {
    yield 'error' in f ? { seq: seq++, kind: 'unreadable', label: f.rel, error: f.error } : { seq: seq++, kind: 'file', label: f.rel, abs: f.abs, size: f.size };
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** JSON with object keys sorted, for comparing metadata regardless of key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byName(a, b))) : v,
  );
}

/** Runs `fn` over `source` with at most `concurrency` calls in flight; pulls lazily, so memory stays bounded. */
async function pool<T>(source: AsyncIterable<T> | Iterable<T>, concurrency: number, fn: (value: T) => Promise<void>): Promise<void> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  const lanes = Array.from({ length: concurrency }, async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      await fn(next.value);
    }
  });
  await Promise.all(lanes);
}

/** Serialises work per key (here: per content hash) without blocking other keys. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
