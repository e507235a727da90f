import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction } from 'kysely';
import { ZipFile } from 'yazl';
import type { AuditRecorder } from '../govern/audit.service.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { DB } from '../platform/db/schema.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { PersonalDataSource, PersonalExportDocument } from '../platform/personal-data.js';
import type { ConsentService } from './consent.service.js';
import { exportNotFound } from './privacy.errors.js';
import { isUniqueViolation, type ExportRow, type PrivacyRepository } from './privacy.repository.js';

export const EXPORT_TTL_MS = 7 * 24 * 3600_000;

export interface ExportView {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'downloaded' | 'expired' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  downloadedAt: string | null;
  bytes: number | null;
  sha256: string | null;
}

export interface ExportDeps {
  repo: PrivacyRepository;
  /** Every module's part of the person's data, lowest module first. */
  sources: readonly PersonalDataSource[];
  consents: ConsentService;
  blobs: BlobStore;
  audit: AuditRecorder;
  /** Where finished zips wait for their one download. */
  directory: string;
  /** Enqueues the export job in the request's transaction. */
  enqueue: (trx: Transaction<DB>, exportId: string) => Promise<void>;
  now?: () => Date;
}

/** "Export my data": a zip of everything about a person, made by a job, downloadable once, for seven days. */
export class ExportService {
  private readonly now: () => Date;

  constructor(private readonly deps: ExportDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Starts an export of `userId` (asked by `requestedBy`: the person, or an admin through the CLI). */
  async request(userId: string, requestedBy: string): Promise<ExportView> {
    const erasure = await this.deps.repo.getErasure(userId);
    if (erasure) throw new AppError('conflict', 'this account is being erased; nothing more is exported', { key: 'privacy.account_erasing' });
    const row: ExportRow = { id: newId(), user_id: userId, requested_by: requestedBy, status: 'queued', bytes: null, sha256: null, error: null, created_at: this.now().toISOString(), finished_at: null, downloaded_at: null, expires_at: null };
    try {
      await this.deps.repo.transaction(async (trx) => {
        await this.deps.repo.insertExport(row, trx);
        await this.deps.enqueue(trx, row.id);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.deps.repo.runningExport(userId);
      throw new AppError('conflict', `an export of this account is already being made (${running?.id ?? '?'}); wait for it to finish`, { key: 'privacy.export_running', params: { id: running?.id ?? '' } });
    }
    return view(row);
  }

  async list(userId: string): Promise<ExportView[]> {
    return (await this.deps.repo.listExports(userId)).map((row) => view(this.expiredNow(row)));
  }

  async get(userId: string, id: string): Promise<ExportView> {
    const row = await this.deps.repo.getExport(id);
    if (!row || row.user_id !== userId) throw exportNotFound(id);
    return view(this.expiredNow(row));
  }

  private expiredNow(row: ExportRow): ExportRow {
    return row.status === 'ready' && row.expires_at && row.expires_at < this.now().toISOString() ? { ...row, status: 'expired' } : row;
  }

  /** The job: writes the zip next to its final name, then renames it (a crash leaves no half file behind as "ready"). */
  async run(id: string): Promise<void> {
    const row = await this.deps.repo.getExport(id);
    if (!row || !['queued', 'running'].includes(row.status)) return;
    await this.deps.repo.updateExport(id, { status: 'running' });
    fs.mkdirSync(this.deps.directory, { recursive: true });
    const final = this.fileOf(id);
    const temporary = `${final}.part`;
    try {
      const { bytes, sha256 } = await this.writeZip(row.user_id, temporary);
      fs.renameSync(temporary, final);
      // An erasure that started while this zip was being written has deleted the exports before it: this one goes too.
      if (await this.deps.repo.getErasure(row.user_id)) {
        fs.rmSync(final, { force: true });
        await this.deps.repo.deleteExport(id);
        return;
      }
      const finished = this.now();
      await this.deps.repo.updateExport(id, { status: 'ready', bytes, sha256, finished_at: finished.toISOString(), expires_at: new Date(finished.getTime() + EXPORT_TTL_MS).toISOString() });
      this.deps.audit.note({ actor: row.requested_by, action: 'export.personal', target: { type: 'user', id: row.user_id }, details: { export: id, bytes } });
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      await this.deps.repo.updateExport(id, { status: 'failed', error: String(error).slice(0, 500), finished_at: this.now().toISOString() });
      throw error;
    }
  }

  /** Hands out the zip once: the row is marked downloaded before a byte leaves, the file removed when the stream ends. */
  async download(userId: string, id: string): Promise<{ stream: Readable; bytes: number; fileName: string }> {
    const row = await this.deps.repo.getExport(id);
    if (!row || row.user_id !== userId) throw exportNotFound(id);
    const now = this.now().toISOString();
    if (row.status === 'downloaded') throw new AppError('gone', `export ${id} was downloaded already; each export downloads once — make a new one`, { key: 'privacy.export_downloaded', params: { id } });
    if (row.status === 'expired' || (row.status === 'ready' && row.expires_at !== null && row.expires_at < now)) throw new AppError('gone', `export ${id} expired; make a new one`, { key: 'privacy.export_expired', params: { id } });
    if (row.status !== 'ready') throw new AppError('conflict', `export ${id} is ${row.status}, not ready`, { key: 'privacy.export_not_ready', params: { id, status: row.status } });
    // Two downloads racing: only one updates the row.
    if (!(await this.deps.repo.updateExport(id, { status: 'downloaded', downloaded_at: now }, ['ready']))) throw new AppError('gone', `export ${id} was downloaded already`, { key: 'privacy.export_downloaded', params: { id } });
    const file = this.fileOf(id);
    const stream = fs.createReadStream(file);
    stream.on('close', () => fs.rm(file, { force: true }, () => undefined));
    return { stream, bytes: row.bytes ?? fs.statSync(file).size, fileName: `wenyuan-export-${id}.zip` };
  }

  /** Removes expired zips and, after `keepDays`, the rows of finished exports (retention). */
  async sweep(keepDays: number): Promise<number> {
    const now = this.now();
    const rows = await this.deps.repo.staleExports(now.toISOString(), new Date(now.getTime() - keepDays * 86_400_000).toISOString());
    for (const row of rows) {
      fs.rmSync(this.fileOf(row.id), { force: true });
      if (row.status === 'ready') await this.deps.repo.updateExport(row.id, { status: 'expired' }, ['ready']);
      else await this.deps.repo.deleteExport(row.id);
    }
    return rows.length;
  }

  /** Deletes every export of a person, file and row (erasure). */
  async deleteAllOf(userId: string): Promise<void> {
    for (const row of await this.deps.repo.exportsOf(userId)) {
      fs.rmSync(this.fileOf(row.id), { force: true });
      fs.rmSync(`${this.fileOf(row.id)}.part`, { force: true });
      await this.deps.repo.deleteExport(row.id);
    }
  }

  fileOf(id: string): string {
    return path.join(this.deps.directory, `${id.replace(/[^a-z0-9]/g, '')}.zip`);
  }

  /**
   * Streams the zip to `file`: each module's fields gathered into the documents (`account.json`,
   * `events.json`, `orders.json`, `works.json`; `consents.json` is privacy's own), big tables a page
   * at a time, then the originals the documents attached, straight from the blob store.
   */
  async writeZip(userId: string, file: string): Promise<{ bytes: number; sha256: string }> {
    const { blobs } = this.deps;
    const zip = new ZipFile();
    const mtime = this.now();
    const files = new Map<string, string>();
    const attach = (sha256: string, fileName: string): string => {
      if (!files.has(sha256)) files.set(sha256, extensionOf(fileName));
      return `files/${sha256}.${files.get(sha256)!}`;
    };
    const documents = new Map<PersonalExportDocument, [string, unknown][]>(EXPORT_DOCUMENTS.map((name) => [name, []]));
    documents.get('account')!.push(['exportedAt', mtime.toISOString()]);
    for (const source of this.deps.sources) {
      const part = (await source.export?.(userId, { attach })) ?? {};
      for (const [name, fields] of Object.entries(part) as [PersonalExportDocument, Record<string, unknown>][]) documents.get(name)?.push(...Object.entries(fields));
    }
    const streamed: Readable[] = [];
    const add = (name: string, fields: [string, unknown][]) => {
      if (!fields.some(([, value]) => isAsyncIterable(value))) return zip.addBuffer(json(Object.fromEntries(fields)), `${name}.json`, { mtime });
      const stream = textStream(jsonObject(fields));
      streamed.push(stream);
      zip.addReadStream(stream, `${name}.json`, { mtime });
    };
    add('account', documents.get('account')!);
    zip.addBuffer(json(await this.deps.consents.exportOf(userId)), 'consents.json', { mtime });
    for (const name of EXPORT_DOCUMENTS) if (name !== 'account') add(name, documents.get(name)!);
    const hash = createHash('sha256');
    let bytes = 0;
    const output = zip.outputStream as Readable;
    output.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    const written = pipeline(output, fs.createWriteStream(file));
    // Awaited below; a failure while the documents are made must not go unhandled meanwhile.
    written.catch(() => undefined);
    // The documents are generated before the files are added, so the list of attached files is complete.
    const documentsDone = Promise.all(
      streamed.map(
        (stream) =>
          new Promise<void>((resolve, reject) => {
            stream.on('end', resolve);
            stream.on('error', reject);
          }),
      ),
    );
    await Promise.race([documentsDone, written]);
    for (const [sha256, ext] of files) {
      // Lazily opened: one original at a time, never all files' descriptors at once.
      zip.addReadStreamLazy(`files/${sha256}.${ext}`, { mtime, compress: false }, (cb) => {
        try {
          cb(null, blobs.open(sha256));
        } catch (error) {
          cb(error, null as unknown as Readable);
        }
      });
    }
    zip.end();
    await written;
    return { bytes, sha256: hash.digest('hex') };
  }
}

/** The documents modules add to, in the zip's order (`consents.json` follows `account.json`). */
const EXPORT_DOCUMENTS: PersonalExportDocument[] = ['account', 'events', 'orders', 'works'];

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

function view(row: ExportRow): ExportView {
  return { id: row.id, status: row.status as ExportView['status'], createdAt: row.created_at, finishedAt: row.finished_at, expiresAt: row.expires_at, downloadedAt: row.downloaded_at, bytes: row.bytes === null ? null : Number(row.bytes), sha256: row.sha256 };
}

/** Text chunks as a byte stream (what the zip writer reads). */
function textStream(chunks: AsyncIterable<string>): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of chunks) yield Buffer.from(chunk);
    })(),
    { objectMode: false },
  );
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** `{ "a": [ …items ], "b": value }` as text chunks, a streamed field's items one at a time. */
async function* jsonObject(fields: [string, unknown][]): AsyncGenerator<string> {
  yield '{';
  let firstField = true;
  for (const [name, items] of fields) {
    yield `${firstField ? '' : ','}\n  ${JSON.stringify(name)}: `;
    firstField = false;
    if (!isAsyncIterable(items)) {
      yield JSON.stringify(items ?? null);
      continue;
    }
    yield '[';
    let first = true;
    let batch = '';
    for await (const item of items) {
      batch += `${first ? '' : ','}\n    ${JSON.stringify(item)}`;
      first = false;
      if (batch.length > 64 * 1024) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}${first ? '' : '\n  '}]`;
  }
  yield '\n}\n';
}

function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(name);
  return match ? match[1]!.toLowerCase() : 'bin';
}
