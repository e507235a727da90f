import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { canReadWork, type Actor } from '../govern/roles.js';
import { cleanFileName } from '../media/file-name.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors, type ErrorOptions } from '../platform/errors.js';
import type { Collection, CollectionService } from './collection.service.js';
import type { LangMap } from './metadata.schema.js';
import type { DerivativeRow, WorkFileRow, WorkRepository, WorkRow } from './work.repository.js';
import { toWork } from './work.service.js';

export const BAG_SOFTWARE_AGENT = 'Wenyuan 0.1.0';
const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
/** Room left for the `<position>-` prefix and a `-2` de-duplication suffix under the usual 255-byte limit. */
const MAX_NAME_BYTES = 200;
const BATCH = 500;

export interface BagExportDeps {
  workRepository: WorkRepository;
  collections: CollectionService;
  blobs: BlobStore;
  /** Clock for Bagging-Date (tests pin it). */
  now?: () => Date;
}

export interface BagExportOptions {
  collectionId?: string;
  workIds?: string[];
  outDir: string;
  includeDerivatives?: boolean;
  sourceOrganization?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface BagReport {
  path: string;
  works: number;
  /** Original files copied (derivatives not counted). */
  files: number;
  derivatives: number;
  /** Payload octets, as in Payload-Oxum. */
  bytes: number;
  payloadOxum: string;
  /** Works in the exported collections that the actor may not read, left out. */
  skippedWorks: number;
  baggingDate: string;
}

export const BagExportErrors = {
  fixity: <K extends 'export.blob_missing' | 'export.blob_changed' | 'export.blob_size'>(message: string, options: ErrorOptions<K>) => new AppError('fixity_failure', message, options),
};

interface CollectionNode {
  id: string;
  name: LangMap;
  description: LangMap | null;
  visibility: string;
  createdAt: string;
  works: string[];
  children: CollectionNode[];
}

interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Writes a BagIt 1.0 bag (RFC 8493) of a collection subtree or a list of works the actor may read.
 * The bag is built in `<outDir>.partial` and renamed into place only when complete, and every blob
 * is re-hashed while it is copied, so a bag that exists is a bag whose checksums were just proven.
 */
export async function exportBag(deps: BagExportDeps, actor: Actor, options: BagExportOptions): Promise<BagReport> {
  const selection = await selectWorks(deps, actor, options);
  const outDir = path.resolve(options.outDir);
  const partial = `${outDir}.partial`;
  await assertWritableTarget(outDir, partial);

  const files = await filesByWork(deps.workRepository, selection.works.map((w) => w.id));
  const derivatives = options.includeDerivatives ? await derivativesBySource(deps.workRepository, [...files.values()].flat()) : new Map<string, DerivativeRow[]>();
  const total = [...files.values()].reduce((n, list) => n + list.length + list.reduce((d, f) => d + (derivatives.get(f.sha256)?.length ?? 0), 0), 0);
  const now = (deps.now ?? (() => new Date()))();
  const baggingDate = now.toISOString().slice(0, 10);

  const writer = new BagWriter(partial, deps.blobs);
  let done = 0;
  let derivativeCount = 0;
  let report: BagReport;
  options.onProgress?.(0, total);
  try {
    await writer.mkdir('data/works');
    for (const row of selection.works) {
      const work = toWork(row);
      const base = `data/works/${safeBagName(work.id)}`;
      const taken = new Set<string>();
      const fileEntries = [];
      for (const file of files.get(work.id) ?? []) {
        const name = uniqueName(`${file.position}-${safeBagName(file.original_name)}`, taken);
        const rel = `${base}/files/${name}`;
        await writer.copyBlob(rel, file.sha256, Number(file.size), `work ${work.id}: file "${file.original_name}" (${rel})`);
        done++;
        options.onProgress?.(done, total);
        const derived = [];
        for (const d of derivatives.get(file.sha256) ?? []) {
          const dRel = `${base}/derivatives/${uniqueName(`${file.position}-${safeBagName(d.name)}${extensionFor(d.media_type)}`, taken)}`;
          const size = await writer.copyBlob(dRel, d.sha256, null, `work ${work.id}: ${d.name} of "${file.original_name}" (${dRel})`);
          done++;
          derivativeCount++;
          options.onProgress?.(done, total);
          derived.push({ name: d.name, path: dRel, sha256: d.sha256, mediaType: d.media_type, size, width: d.width, height: d.height });
        }
        fileEntries.push({
          position: file.position,
          name: file.original_name,
          path: rel,
          sha256: file.sha256,
          mediaType: file.media_type,
          kind: file.kind,
          size: Number(file.size),
          width: file.width,
          height: file.height,
          ...(options.includeDerivatives ? { derivatives: derived } : {}),
        });
      }
      await writer.writePayload(`${base}/metadata.json`, json({
        id: work.id,
        version: work.version,
        visibility: work.visibility,
        workType: work.workType,
        collectionId: work.collectionId,
        metadata: work.metadata,
        files: fileEntries,
        createdAt: work.createdAt,
        updatedAt: work.updatedAt,
      }));
    }
    await writer.writePayload('data/collection.json', json({ collection: selection.tree, works: selection.works.map((w) => ({ id: w.id, collectionId: w.collection_id, path: `data/works/${safeBagName(w.id)}` })) }));

    const payload = writer.entries;
    const octets = payload.reduce((n, e) => n + e.size, 0);
    const payloadOxum = `${octets}.${payload.length}`;
    await writer.writeTag('bagit.txt', BAGIT_TXT);
    await writer.writeTag('manifest-sha256.txt', manifestText(payload));
    await writer.writeTag('bag-info.txt', bagInfoText([
      ['Source-Organization', options.sourceOrganization],
      ['Bagging-Date', baggingDate],
      ['Bag-Software-Agent', BAG_SOFTWARE_AGENT],
      ['External-Description', selection.description(selection.works.length)],
      ['Payload-Oxum', payloadOxum],
      ['Bag-Size', humanSize(octets)],
    ]));
    await writer.writeTag('tagmanifest-sha256.txt', manifestText(writer.tagEntries));
    await writer.syncDirs();
    await fsp.rename(partial, outDir);
    report = { path: outDir, works: selection.works.length, files: done - derivativeCount, derivatives: derivativeCount, bytes: octets, payloadOxum, skippedWorks: selection.skipped, baggingDate };
  } catch (error) {
    await fsp.rm(partial, { recursive: true, force: true });
    throw error;
  }
  await syncDir(path.dirname(outDir));
  return report;
}

interface Selection {
  works: WorkRow[];
  tree: CollectionNode | null;
  skipped: number;
  description: (works: number) => string;
}

async function selectWorks(deps: BagExportDeps, actor: Actor, options: BagExportOptions): Promise<Selection> {
  const hasCollection = Boolean(options.collectionId);
  const hasWorks = (options.workIds?.length ?? 0) > 0;
  if (hasCollection === hasWorks) throw CommonErrors.invalid('export either one collection or a list of works (give exactly one of them)', { key: 'export.selection' });
  if (!options.outDir) throw CommonErrors.invalid('say where to write the bag (outDir)', { key: 'export.no_target' });

  if (options.collectionId) {
    const root = await deps.collections.get(actor, options.collectionId);
    // Walk only collections the actor can see: a hidden sub-collection and everything under it stays out.
    const visible = await deps.collections.list(actor);
    const children = new Map<string, Collection[]>();
    for (const c of visible) if (c.parentId) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c]);
    const nodes = new Map<string, CollectionNode>();
    const build = (c: Collection): CollectionNode => {
      const node: CollectionNode = { id: c.id, name: c.name, description: c.description, visibility: c.visibility, createdAt: c.createdAt, works: [], children: [] };
      nodes.set(c.id, node);
      // The `nodes` check stops at a cycle in parent links instead of recursing forever.
      node.children = (children.get(c.id) ?? []).filter((child) => !nodes.has(child.id)).map(build);
      return node;
    };
    const tree = build(root);
    const rows = await deps.workRepository.worksInCollections([...nodes.keys()]);
    const works = rows.filter((w) => canReadWork(actor, w));
    for (const w of works) if (w.collection_id) nodes.get(w.collection_id)?.works.push(w.id);
    const title = firstLabel(root.name);
    return {
      works,
      tree,
      skipped: rows.length - works.length,
      description: (n) => `Collection "${title}" (${root.id}) and ${nodes.size - 1} nested collection(s): ${n} work(s), exported from Wenyuan`,
    };
  }

  const ids = [...new Set(options.workIds)];
  const works: WorkRow[] = [];
  const unreadable: string[] = [];
  for (const id of ids) {
    const row = await deps.workRepository.findById(id);
    if (row && canReadWork(actor, row)) works.push(row);
    else unreadable.push(id);
  }
  if (unreadable.length > 0) {
    throw new AppError('not_found', `work(s) ${unreadable.join(', ')} were not found or you may not read them; nothing was exported`, {
      key: 'export.works_unreadable',
      params: { ids: unreadable.join(', '), count: unreadable.length },
    });
  }
  return { works, tree: null, skipped: 0, description: (n) => `${n} selected work(s), exported from Wenyuan` };
}

async function assertWritableTarget(outDir: string, partial: string): Promise<void> {
  const existing = await fsp.readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    if (error.code === 'ENOTDIR') throw CommonErrors.conflict(`${outDir} is a file; choose a new directory for the bag`, { key: 'export.target_is_file', params: { path: outDir } });
    throw error;
  });
  if (existing && existing.length > 0) throw CommonErrors.conflict(`${outDir} already exists and is not empty; choose a new directory (an export never overwrites)`, { key: 'export.target_not_empty', params: { path: outDir } });
  await fsp.mkdir(path.dirname(outDir), { recursive: true });
  try {
    await fsp.mkdir(partial);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw CommonErrors.conflict(`${partial} exists: another export into ${outDir} is running or was interrupted; if none is running, delete it and try again`, {
        key: 'export.partial_exists',
        params: { path: outDir, partial },
      });
    }
    throw error;
  }
}

async function filesByWork(repo: WorkRepository, workIds: string[]): Promise<Map<string, WorkFileRow[]>> {
  const out = new Map<string, WorkFileRow[]>();
  for (let i = 0; i < workIds.length; i += BATCH) {
    for (const f of await repo.filesOf(workIds.slice(i, i + BATCH))) out.set(f.work_id, [...(out.get(f.work_id) ?? []), f]);
  }
  return out;
}

async function derivativesBySource(repo: WorkRepository, files: WorkFileRow[]): Promise<Map<string, DerivativeRow[]>> {
  const shas = [...new Set(files.map((f) => f.sha256))];
  const out = new Map<string, DerivativeRow[]>();
  for (let i = 0; i < shas.length; i += BATCH) {
    for (const d of await repo.derivativesOf(shas.slice(i, i + BATCH))) out.set(d.source_sha256, [...(out.get(d.source_sha256) ?? []), d]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Writes files under the bag root and remembers what the manifests must list. */
class BagWriter {
  readonly entries: ManifestEntry[] = [];
  readonly tagEntries: ManifestEntry[] = [];
  private readonly dirs = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly blobs: BlobStore,
  ) {
    this.dirs.add(root);
  }

  async mkdir(rel: string): Promise<void> {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const dir = path.join(this.root, ...parts.slice(0, i));
      if (!this.dirs.has(dir)) {
        await fsp.mkdir(dir, { recursive: true });
        this.dirs.add(dir);
      }
    }
  }

  /** Streams a blob into the bag, re-hashing it on the way; returns its size. */
  async copyBlob(rel: string, sha256: string, expectedSize: number | null, label: string): Promise<number> {
    if (!(await this.blobs.has(sha256))) throw BagExportErrors.fixity(`fixity failure in ${label}: stored blob ${sha256} is missing. Nothing was exported; run \`wenyuan fixity\` and restore the file from a backup`, { key: 'export.blob_missing', params: { label, sha256 } });
    await this.mkdir(path.posix.dirname(rel));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, next) {
        hash.update(chunk);
        size += chunk.length;
        next(null, chunk);
      },
    });
    await pipeline(this.blobs.open(sha256), meter, fs.createWriteStream(this.abs(rel), { flags: 'wx', flush: true }));
    const actual = hash.digest('hex');
    if (actual !== sha256) {
      throw BagExportErrors.fixity(`fixity failure in ${label}: stored blob ${sha256} now hashes to ${actual}. Nothing was exported; run \`wenyuan fixity\` and restore the file from a backup`, {
        key: 'export.blob_changed',
        params: { label, sha256, actual },
      });
    }
    if (expectedSize !== null && size !== expectedSize) {
      throw BagExportErrors.fixity(`fixity failure in ${label}: stored blob ${sha256} is ${size} bytes, the archive recorded ${expectedSize}. Nothing was exported`, {
        key: 'export.blob_size',
        params: { label, sha256, size, expected: expectedSize },
      });
    }
    this.entries.push({ path: rel, sha256, size });
    return size;
  }

  async writePayload(rel: string, content: string): Promise<void> {
    this.entries.push(await this.write(rel, content));
  }

  async writeTag(rel: string, content: string): Promise<void> {
    this.tagEntries.push(await this.write(rel, content));
  }

  /** Makes the directory entries durable before the bag is renamed into place. */
  async syncDirs(): Promise<void> {
    for (const dir of this.dirs) await syncDir(dir);
  }

  private async write(rel: string, content: string): Promise<ManifestEntry> {
    await this.mkdir(path.posix.dirname(rel));
    const data = Buffer.from(content, 'utf8');
    await fsp.writeFile(this.abs(rel), data, { flag: 'wx', flush: true });
    return { path: rel, sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }
}

/**
 * A file name that is safe inside a bag on any common file system: one path segment, NFC,
 * no control or bidi characters, no characters Windows forbids, no leading dot (so never `..`),
 * at most `maxBytes` UTF-8 bytes with the extension kept. Chinese and other letters are kept.
 * `%` is replaced too: RFC 8493 wants it encoded in manifests, but bagit-python and most other
 * validators do not decode it (LibraryOfCongress/bagit-python#157), so such a bag would not validate there.
 */
export function safeBagName(raw: string, maxBytes = MAX_NAME_BYTES): string {
  const name = cleanFileName(raw)
    .replace(/[<>:"|?*%\u2028\u2029]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  return truncateUtf8(name || 'unnamed', maxBytes);
}

function truncateUtf8(name: string, maxBytes: number): string {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  if (bytes(name) <= maxBytes) return name;
  const ext = path.extname(name);
  const keepExt = ext.length > 1 && bytes(ext) <= 32 ? ext : '';
  let out = '';
  for (const ch of name.slice(0, name.length - keepExt.length)) {
    if (bytes(out + ch) + bytes(keepExt) > maxBytes) break;
    out += ch;
  }
  return (out.trimEnd() + keepExt).normalize('NFC');
}

/** `name`, or `name-2`, `name-3`… before the extension, whichever is not yet in `taken` (compared case-insensitively). */
export function uniqueName(name: string, taken: Set<string>): string {
  const ext = path.extname(name);
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name.slice(0, name.length - ext.length)}-${n}${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** A path as RFC 8493 §2.1.3 writes it in a manifest: `%`, CR and LF percent-encoded. */
export function encodeManifestPath(p: string): string {
  return p.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Manifest lines `<sha256>  <path>`, sorted by path so the same bag always gives the same file. */
export function manifestText(entries: { path: string; sha256: string }[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${encodeManifestPath(e.path)}\n`)
    .join('');
}

/** bag-info.txt from label/value pairs; missing values are left out and line breaks in values become spaces. */
export function bagInfoText(fields: [string, string | undefined][]): string {
  return fields
    .filter((f): f is [string, string] => f[1] !== undefined && f[1].trim() !== '')
    .map(([label, value]) => `${label}: ${value.replace(/[\r\n]+/g, ' ').trim()}\n`)
    .join('');
}

/** An approximate size for Bag-Size, e.g. `1.4 MB`. */
export function humanSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function extensionFor(mediaType: string): string {
  const known: Record<string, string> = { 'image/webp': '.webp', 'image/jpeg': '.jpg', 'image/png': '.png', 'image/avif': '.avif', 'image/gif': '.gif' };
  return known[mediaType] ?? '.bin';
}

function firstLabel(name: LangMap): string {
  return name.zh ?? name.en ?? Object.values(name)[0] ?? '';
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
