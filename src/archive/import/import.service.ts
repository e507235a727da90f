import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { canEditWork, canReadWork, type Actor } from '../../govern/roles.js';
import { cleanFileName } from '../../media/file-name.js';
import type { IngestService } from '../ingest.service.js';
import type { WorkRepository } from '../work.repository.js';
import type { Visibility, WorkService } from '../work.service.js';
import type { TextEncodingOption } from './decode-text.js';
import { walkFolder, walkResult, type WalkEntry, type WalkFile } from './folder-walk.js';
import { buildReport, failed, skipped, type ImportItemResult, type ImportProgress, type ImportReport } from './import-report.js';
import { hashFile, ImportError, KeyedLock, messageOf, pool, reasonOf, withOpenFile } from './import-util.js';
import { mapRecords, type ImportItem } from './map-records.js';
import type { Mapping } from './mapping.js';
import { sniffFile } from '../../media/file-kind.js';
import { checkContent, checkSize, notMedia } from './media-check.js';
import { RecordImporter, type RecordJob } from './record-import.js';
import type { UrlFetcher } from './url-fetch.js';

export type { ImportFileResult, ImportItemResult, ImportProgress, ImportReport, ImportStatus } from './import-report.js';

export interface ImportRequest {
  /** Files are read from here; record files are relative to it. */
  folder: string;
  /** With `mapping`: a CSV/JSON/JSON-lines file or a folder of JSON files, one work per record. */
  records?: string;
  mapping?: Mapping;
  dryRun?: boolean;
  /**
   * Visibility of the works the import creates (default private). When given, it is also applied to
   * works the import finds already archived; when absent, an existing work keeps its visibility.
   */
  visibility?: Visibility;
  /** Collection of works the import creates (existing works keep theirs). */
  collectionId?: string | null;
  /** Also import files that are not media (documents, spreadsheets, data); otherwise they are reported as skipped. */
  includeAll?: boolean;
  encoding?: TextEncodingOption;
  /** Items worked on at once (default 2). */
  concurrency?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** What the import reads of works: rows by id or source key, files, versions, holders of a content hash. */
export type ImportWorkReader = Pick<WorkRepository, 'findById' | 'findBySourceKey' | 'filesOf' | 'listVersions' | 'worksWithFile'>;

export interface ImportDeps {
  ingest: IngestService;
  works: WorkService;
  repo: ImportWorkReader;
  limits: { maxUploadBytes: number; maxImagePixels: number };
  /** Downloads of record files given as URLs; without it, such records fail with the reason. */
  downloads?: UrlFetcher;
  /** Names a user in warnings ("edited by alice"); ids are shown without it. */
  userName?: (id: string) => Promise<string | null>;
}

/** State shared by the items of one run. */
export interface RunState {
  folder: string;
  /** sha256 → first item, so a dry run reports in-run duplicates. */
  seen: Map<string, string>;
  locks: KeyedLock;
  /** Works whose visibility this run changed (or, in a dry run, would change). */
  visibilityChanged: Set<string>;
}

type FolderJob = { seq: number; entry: WalkEntry };

/**
 * Imports a folder of files (one work each) or a set of records with a mapping (one work per record,
 * its files attached), reporting per item. Only media (images, audio, video, 3D, PDF, by their bytes)
 * become works unless `includeAll`; every other file found is reported as skipped with the reason.
 * Re-runs are cheap and safe: content already archived and records whose mapped metadata did not
 * change are `unchanged`. A dry run reads, hashes and probes but writes nothing to the database or
 * the blob store (and downloads nothing).
 */
export class ImportService {
  constructor(private readonly deps: ImportDeps) {}

  async run(actor: Actor, request: ImportRequest): Promise<ImportReport> {
    const folder = await realFolder(request.folder);
    const concurrency = Math.max(1, Math.min(request.concurrency ?? 2, 32));
    const state: RunState = { folder, seen: new Map(), locks: new KeyedLock(), visibilityChanged: new Set() };
    const results: ImportItemResult[] = [];
    let done = 0;
    let total = 0; // counted up front only when someone watches the progress
    const record = (seq: number, result: ImportItemResult): void => {
      results[seq] = result;
      request.onProgress?.({ done: ++done, total, item: result });
    };

    if (request.records !== undefined) {
      if (!request.mapping) throw new ImportError('records need a mapping');
      const items = await this.readItems(request.records, request.mapping, request.encoding);
      total = items.length;
      const records = new RecordImporter(this.deps);
      const plan = await records.plan(request, state, items);
      await pool(plan.jobs, concurrency, async (job: RecordJob) => record(job.seq, await records.importRecord(actor, request, state, job)));
      return buildReport([...results, ...plan.leftovers()]);
    }

    if (request.onProgress) for await (const _ of walkFolder(folder)) total++;
    await pool(folderJobs(folder), concurrency, async ({ seq, entry }) => {
      record(seq, entry.kind === 'file' ? await this.importFile(actor, request, state, entry) : walkResult(entry));
    });
    return buildReport(results);
  }

  /** Reads and maps every record; a file that cannot be read at all is fatal, a bad row is not. */
  private async readItems(records: string, mapping: Mapping, encoding: TextEncodingOption | undefined): Promise<ImportItem[]> {
    const info = await stat(records).catch(() => null);
    if (!info) throw new ImportError(`records ${records} not found`);
    const items: ImportItem[] = [];
    for await (const item of mapRecords(records, mapping, encoding ? { encoding } : {})) {
      // The reader labels a whole-file failure with the file name alone (rows are "file row N").
      if (info.isFile() && items.length === 0 && !item.result.ok && item.label === path.basename(records)) {
        throw new ImportError(`records ${item.result.error}`);
      }
      items.push(item);
    }
    return items;
  }

  /** One file of the folder, with what the walk noted about its name (its bytes, how they were decoded). */
  private async importFile(actor: Actor, request: ImportRequest, state: RunState, file: WalkFile): Promise<ImportItemResult> {
    const result = await this.importOpenFile(actor, request, state, file);
    const warnings = [...(file.warnings ?? []), ...(result.warnings ?? [])];
    return { ...result, ...(file.pathBytes ? { pathBytes: file.pathBytes } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
  }

  private async importOpenFile(actor: Actor, request: ImportRequest, state: RunState, entry: WalkFile): Promise<ImportItemResult> {
    const item = entry.rel;
    // The name as listed (decoded when it is not UTF-8), not the link target's: it becomes the title.
    const name = cleanFileName(path.posix.basename(item));
    try {
      // Read through one open descriptor: the bytes of a name need not be UTF-8, and a file swapped
      // for a pipe or a link after the walk is refused instead of blocking or leading elsewhere.
      return await withOpenFile(entry.bytes, item, (opened) => this.importOpened(actor, request, state, item, name, { ...entry, abs: opened.path, size: opened.size }), Buffer.from(state.folder));
    } catch (error) {
      return failed(item, `${item}: ${messageOf(error)}`, [], reasonOf(error, item));
    }
  }

  private async importOpened(actor: Actor, request: ImportRequest, state: RunState, item: string, name: string, file: { abs: string; size: number }): Promise<ImportItemResult> {
    if (!request.includeAll) {
      const type = await sniffFile(file.abs, name);
      const reason = notMedia(type);
      if (reason) return skipped(item, `${item}: ${reason}; --include-all imports it too`, { code: 'not_media', key: 'import.not_media', params: { path: item, mediaType: type.mediaType } });
    }
    checkSize(file.size, this.deps.limits.maxUploadBytes);
    const sha256 = await hashFile(file.abs);
    // One item per content at a time: two identical files must not both become new works.
    return await state.locks.run(sha256, async (): Promise<ImportItemResult> => {
      const holder = (await this.deps.repo.worksWithFile(sha256)).find((h) => canReadWork(actor, h));
      if (holder) return this.applyVisibility(actor, request, state, { item, workId: holder.work_id, sha256 });
      const first = state.seen.get(sha256);
      const visibility = request.visibility ?? 'private';
      if (request.dryRun) {
        if (first !== undefined) return { item, status: 'unchanged', sha256, warnings: [`same content as ${first}`] };
        state.seen.set(sha256, item);
        const warnings = await checkContent(file.abs, name, this.deps.limits.maxImagePixels);
        return { item, status: 'imported', sha256, visibility, ...(warnings.length > 0 ? { warnings } : {}) };
      }
      const result = await this.deps.ingest.ingest(actor, createReadStream(file.abs), path.posix.basename(item), { visibility, collectionId: request.collectionId ?? null });
      const warnings = [...result.warnings];
      if (result.sha256 !== sha256) warnings.push('the file changed while it was being imported; the stored copy is the later one');
      // Unchanged only when another import archived the same content a moment ago.
      if (result.status === 'unchanged') return this.applyVisibility(actor, request, state, { item, workId: result.workId, sha256: result.sha256 });
      // The instance's review policy may hold a creator's "public" until a reviewer approves it: report what is so.
      const now = visibility === 'public' ? (((await this.deps.repo.findById(result.workId))?.visibility as Visibility | undefined) ?? visibility) : visibility;
      if (now !== visibility) warnings.push(AWAITS_REVIEW);
      return { item, status: 'imported', workId: result.workId, sha256: result.sha256, visibility: now, ...(warnings.length > 0 ? { warnings } : {}) };
    });
  }

  /**
   * An already archived work an item leads to: `unchanged`, unless `--visibility` was given and
   * differs, in which case the work gets that visibility (a new version) and the item is `updated`.
   * Several items of one work change it once.
   */
  private async applyVisibility(actor: Actor, request: ImportRequest, state: RunState, found: { item: string; workId: string; sha256?: string }): Promise<ImportItemResult> {
    const { item, workId } = found;
    return state.locks.run(`work:${workId}`, async (): Promise<ImportItemResult> => {
      const row = await this.deps.repo.findById(workId);
      if (!row) return failed(item, `${item}: work ${workId} disappeared while importing; run the import again`);
      const current = row.visibility as Visibility;
      const wanted = request.visibility;
      if (wanted === undefined || current === wanted) return { ...found, status: 'unchanged', visibility: current };
      if (state.visibilityChanged.has(workId)) return { ...found, status: 'unchanged', visibility: wanted };
      if (!canEditWork(actor, row)) {
        return failed(item, `${item}: already archived in work ${workId}, which is ${current}; you may not change its visibility to ${wanted} (its owner, a curator or an admin can)`);
      }
      const updated = request.dryRun ? null : await this.deps.works.update(actor, workId, { expectedVersion: row.version, visibility: wanted, note: `visibility set to ${wanted} by the import of ${item}` });
      state.visibilityChanged.add(workId);
      if (updated?.reviewPending) return { ...found, status: 'unchanged', visibility: current, warnings: [AWAITS_REVIEW] };
      return { ...found, status: 'updated', visibility: wanted, changes: [`visibility ${current} → ${wanted}`] };
    });
  }
}

/** Said of a work the import asked to make public that the review policy keeps private until a reviewer approves it. */
const AWAITS_REVIEW = 'kept private until a reviewer approves it (the instance reviews what creators publish)';

async function* folderJobs(folder: string): AsyncGenerator<FolderJob> {
  let seq = 0;
  for await (const entry of walkFolder(folder)) yield { seq: seq++, entry };
}

async function realFolder(folder: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(folder);
  } catch {
    throw new ImportError(`folder ${folder} not found`);
  }
  if (!(await stat(real)).isDirectory()) throw new ImportError(`${folder} is not a folder`);
  try {
    await readdir(real);
  } catch (error) {
    throw new ImportError(`folder ${folder} cannot be read: ${(error as Error).message}`);
  }
  return real;
}
