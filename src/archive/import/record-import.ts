import { createReadStream } from 'node:fs';
import path from 'node:path';
import { canEditWork, type Actor } from '../../govern/roles.js';
import type { FileKind } from '../../media/file-kind.js';
import { cleanFileName } from '../../media/file-name.js';
import type { WorkRow } from '../work.repository.js';
import { validateMetadata, type StoredFileInput, type Visibility } from '../work.service.js';
import { escapeGlob, FolderIndex, naturalOrder, showGlob, type FolderFile } from './file-match.js';
import { recordsInput, resolveInside, walkFolder, walkResult, type WalkOther } from './folder-walk.js';
import type { ImportDeps, ImportRequest, RunState } from './import.service.js';
import { failed, skipped, type ImportFileResult, type ImportItemResult } from './import-report.js';
import { sortedJson } from '../work-facets.js';
import { hashFile, messageOf, reasonOf, withOpenFile } from './import-util.js';
import type { ImportItem } from './map-records.js';
import { readsFolder, type FileRef } from './mapping-files.js';
import { sniffFile } from '../../media/file-kind.js';
import { checkContent, checkSize, notMedia } from './media-check.js';

/** One record to import, with the folder files its globs matched (by the index of the ref) and warnings found while planning. */
export interface RecordJob {
  seq: number;
  item: ImportItem;
  globs: FolderFile[][];
  warnings: string[];
}

/** A file of a record, found: in the folder (hashed) or at a URL (downloaded when imported). */
type Source = { kind: 'local'; label: string; abs: string; bytes?: Buffer; size: number; sha256: string } | { kind: 'url'; label: string; url: string };

/** Opens a file of the import folder `root` by its real path's bytes (its name need not be UTF-8), refusing anything but a regular file inside `root`. */
const openIn = <T>(root: Buffer, file: { abs: string; bytes?: Buffer }, label: string, fn: (path: string) => Promise<T>): Promise<T> =>
  withOpenFile(file.bytes ?? Buffer.from(file.abs), label, (opened) => fn(opened.path), root);

/** Files records used (real paths), and matched files left out because they are not media. */
interface FolderUse {
  index: FolderIndex | null;
  used: Set<string>;
  notMedia: Map<string, { reason: string; mediaType: string }>;
  /** The mapping has no rule that takes files from the folder: every file there is reported as not attached. */
  noFileRules?: boolean;
}

/**
 * Imports records with a mapping: one work per record (found again by its source id), with the
 * files the mapping names, matches or downloads attached in order. Files of the import folder that
 * no record took are reported as skipped; records mode never makes works of them.
 */
export class RecordImporter {
  private use: FolderUse = { index: null, used: new Set(), notMedia: new Map() };
  private root = Buffer.alloc(0);

  constructor(private readonly deps: ImportDeps) {}

  /**
   * Lists the folder when the mapping finds files in it, matches every record's globs (so a file
   * matched by several records is known before any is imported), and returns the jobs and a function
   * that lists the folder's files no record took once the jobs have run.
   */
  async plan(request: ImportRequest, state: RunState, items: ImportItem[]): Promise<{ jobs: RecordJob[]; leftovers: () => ImportItemResult[] }> {
    const rules = request.mapping?.files;
    const others: WalkOther[] = [];
    // The folder is listed even when the mapping takes no files from it, so every file there is
    // reported (a photo folder beside records whose mapping has no "files" rule is not silently ignored).
    this.root = Buffer.from(state.folder);
    const isInput = await recordsInput(request.records!);
    const files: FolderFile[] = [];
    for await (const entry of walkFolder(state.folder)) {
      if (entry.kind !== 'file') others.push(entry);
      else if (!isInput(entry.abs)) files.push(entry);
    }
    this.use = { index: new FolderIndex(files), used: new Set(), notMedia: new Map(), noFileRules: !readsFolder(rules) };
    const index = this.use.noFileRules ? null : this.use.index;
    const owners = new Map<string, string[]>();
    const jobs = items.map((item, seq): RecordJob => {
      const globs: FolderFile[][] = [];
      if (item.result.ok && index) {
        item.result.files.forEach((ref, i) => {
          if (ref.kind === 'glob') globs[i] = index.glob(ref.pattern);
        });
      }
      for (const abs of new Set(globs.flat().map((f) => f.abs))) owners.set(abs, [...(owners.get(abs) ?? []), item.label]);
      return { seq, item, globs, warnings: [] };
    });
    for (const job of jobs) {
      const seen = new Set<string>();
      for (const f of job.globs.flat()) {
        if (seen.has(f.abs)) continue;
        seen.add(f.abs);
        const all = owners.get(f.abs) ?? [];
        if (all.length < 2) continue;
        const rest = all.filter((l) => l !== job.item.label);
        const named = rest.slice(0, 3).join(', ') + (rest.length > 3 ? ` and ${rest.length - 3} more` : '');
        job.warnings.push(`${job.item.label}: file "${f.rel}" also matches ${named}; it is attached to each — make the pattern stricter (e.g. {id}_*.jpg rather than {id}*.jpg) if that is wrong`);
      }
    }
    return { jobs, leftovers: () => this.leftovers(others) };
  }

  private leftovers(others: WalkOther[]): ImportItemResult[] {
    const { index, used, notMedia: nonMedia } = this.use;
    if (!index) return [];
    const out: ImportItemResult[] = [];
    for (const f of index.files) {
      if (used.has(f.abs)) continue;
      const why = this.use.noFileRules
        ? `${f.rel}: the mapping attaches no files from the folder (it has no "files" rule), so this file was not imported; add a "files" rule (mappings/README.md) or import the folder without --records`
        : `${f.rel}: no record names or matches this file, so it was not imported (name it in a record, or import the folder without --records)`;
      const media = nonMedia.get(f.abs);
      const code = media ? 'not_media' : this.use.noFileRules ? 'no_file_rules' : 'no_record';
      const params: Record<string, string> = media ? { path: f.rel, mediaType: media.mediaType } : { path: f.rel };
      out.push(skipped(f.rel, media?.reason ?? why, { code, key: `import.${code}`, params }));
    }
    // Records mode imports only what records name, so a link out of the folder or a pipe that no
    // record named is left out like any other file no record took; an unreadable folder still fails.
    for (const e of others) if (!(e.abs && used.has(e.abs))) out.push(walkResult(e.code === 'folder_unreadable' ? e : { ...e, kind: 'skipped' }));
    return out.sort((a, b) => naturalOrder(a.item, b.item));
  }

  async importRecord(actor: Actor, request: ImportRequest, state: RunState, job: RecordJob): Promise<ImportItemResult> {
    const item = job.item.label;
    const mapped = job.item.result;
    if (!mapped.ok) return failed(item, mapped.error);
    const warnings = [...mapped.warnings, ...job.warnings];
    try {
      // Every file must be found (and every URL allowed) before anything is written.
      const found = await this.findSources(request, state, job, mapped.files, warnings);
      if ('error' in found) return failed(item, `${item}: ${found.error}`, warnings);
      const metadata = validateMetadata(mapped.metadata);
      const existing = await this.deps.repo.findBySourceKey(mapped.sourceId);
      const attached = new Set(existing ? (await this.deps.repo.filesOf([existing.id])).map((f) => f.sha256) : []);

      const files: ImportFileResult[] = [];
      const stored: StoredFileInput[] = [];
      const taken = new Set<string>();
      for (const source of found.sources) {
        try {
          const file = await this.bring(request, source, { attached, taken, stored }, warnings);
          if (file) files.push(file);
        } catch (error) {
          return failed(item, `${item}: file "${source.label}": ${messageOf(error)}`, warnings, reasonOf(error, source.label));
        }
      }
      const single = files.length === 1 && files[0]!.sha256 ? { sha256: files[0]!.sha256 } : {};
      const listed = files.length > 0 ? { files } : {};
      const note = `imported from ${item}`;

      if (!existing) {
        const visibility = request.visibility ?? 'private';
        if (request.dryRun) return done({ item, status: 'imported', ...single, visibility, ...listed }, warnings);
        const work = await this.deps.works.create(actor, { metadata, visibility, collectionId: request.collectionId ?? null, sourceKey: mapped.sourceId, files: stored, note });
        return done({ item, status: 'imported', workId: work.id, ...single, visibility, ...listed }, warnings);
      }

      const change = await this.metadataChange(actor, existing, metadata);
      warnings.push(...change.warnings);
      const current = existing.visibility as Visibility;
      const visibility = request.visibility ?? current;
      if (visibility !== current && !canEditWork(actor, existing)) {
        return failed(item, `${item}: work ${existing.id} is ${current}; you may not change its visibility to ${visibility} (its owner, a curator or an admin can)`, warnings);
      }
      const added = files.filter((f) => f.status === 'added').length;
      const changes = [
        ...(change.update ? ['metadata'] : []),
        ...(added > 0 ? [`${added} file${added === 1 ? '' : 's'} added`] : []),
        ...(visibility !== current ? [`visibility ${current} → ${visibility}`] : []),
      ];
      const base = { item, workId: existing.id, ...single, visibility, ...listed };
      if (changes.length === 0) return done({ ...base, status: 'unchanged' }, warnings);
      if (!request.dryRun) {
        if (change.update || visibility !== current) {
          await this.deps.works.update(actor, existing.id, { expectedVersion: existing.version, ...(change.update ? { metadata } : {}), ...(visibility !== current ? { visibility } : {}), note });
        }
        if (stored.length > 0) await this.deps.works.addFiles(actor, existing.id, stored);
      }
      return done({ ...base, status: 'updated', changes }, warnings);
    } catch (error) {
      return failed(item, `${item}: ${messageOf(error)}`, warnings);
    }
  }

  /** The record's files in order, each once: found in the folder and hashed, or an allowed URL. */
  private async findSources(request: ImportRequest, state: RunState, job: RecordJob, refs: FileRef[], warnings: string[]): Promise<{ sources: Source[] } | { error: string }> {
    const sources: Source[] = [];
    const label = job.item.label;
    for (const [i, ref] of refs.entries()) {
      if (ref.kind === 'url') {
        const refusal = this.deps.downloads ? this.deps.downloads.refusal(ref.url) : 'cannot be downloaded: this import has no downloader';
        if (refusal) return { error: `file "${ref.url}": ${refusal}` };
        if (!sources.some((s) => s.kind === 'url' && s.url === ref.url)) sources.push({ kind: 'url', label: ref.url, url: ref.url });
        continue;
      }
      if (ref.kind === 'path') {
        const found = await this.resolvePath(state.folder, ref.path);
        if ('error' in found) return { error: `file "${ref.path}" ${found.error}` };
        this.use.used.add(found.abs);
        sources.push({ kind: 'local', ...found, sha256: '' });
        continue;
      }
      const matches = job.globs[i] ?? [];
      if (matches.length === 0) warnings.push(`${label}: files: no file in the import folder matches ${JSON.stringify(showGlob(ref.pattern))}`);
      for (const f of matches) {
        const type = request.includeAll ? null : await openIn(this.root, f, f.rel, (p) => sniffFile(p, cleanFileName(path.posix.basename(f.rel)))).catch(() => null);
        const reason = type && notMedia(type);
        if (type && reason) {
          if (!this.use.notMedia.has(f.abs)) this.use.notMedia.set(f.abs, { reason: `${f.rel}: matches the files pattern of ${label} but ${reason}; --include-all attaches it too`, mediaType: type.mediaType });
          continue;
        }
        this.use.used.add(f.abs);
        sources.push({ kind: 'local', label: f.rel, abs: f.abs, ...(f.bytes ? { bytes: f.bytes } : {}), size: f.size, sha256: '' });
      }
    }
    const unique: Source[] = [];
    for (const s of sources) {
      if (s.kind === 'local') {
        if (unique.some((u) => u.kind === 'local' && u.abs === s.abs)) continue;
        try {
          checkSize(s.size, this.deps.limits.maxUploadBytes);
          s.sha256 = await openIn(this.root, s, s.label, hashFile);
        } catch (error) {
          return { error: `file "${s.label}": ${messageOf(error)}` };
        }
      }
      unique.push(s);
    }
    return { sources: unique };
  }

  /** A named path inside the folder; a bare name not at the top is looked for in every subfolder (it must be unique). */
  private async resolvePath(folder: string, rel: string): Promise<{ label: string; abs: string; bytes?: Buffer; size: number } | { error: string }> {
    const found = await resolveInside(folder, rel);
    if (!('missing' in found) || !this.use.index) return 'error' in found ? found : { label: rel, ...found };
    // A file whose name is not UTF-8 on disk is found by its decoded path.
    const decoded = this.use.index.glob(escapeGlob(rel)).filter((f) => f.rel.normalize('NFC') === rel.normalize('NFC'));
    if (decoded.length === 1) return { label: decoded[0]!.rel, abs: decoded[0]!.abs, ...(decoded[0]!.bytes ? { bytes: decoded[0]!.bytes } : {}), size: decoded[0]!.size };
    if (rel.includes('/')) return found;
    const named = this.use.index.byName(rel);
    if (named.length === 1) return { label: named[0]!.rel, abs: named[0]!.abs, ...(named[0]!.bytes ? { bytes: named[0]!.bytes } : {}), size: named[0]!.size };
    if (named.length > 1) {
      const list = named.slice(0, 4).map((f) => f.rel).join(', ') + (named.length > 4 ? ' …' : '');
      return { error: `is not at the top of the import folder and ${named.length} files in its subfolders have that name (${list}); give the path in the record` };
    }
    return found;
  }

  /**
   * Brings one file into the blob store (a dry run only checks it): returns how it stands with the
   * work, or null for content this record already had from an earlier file.
   */
  private async bring(request: ImportRequest, source: Source, work: { attached: Set<string>; taken: Set<string>; stored: StoredFileInput[] }, warnings: string[]): Promise<ImportFileResult | null> {
    const label = source.label;
    const known = (sha256: string): ImportFileResult | null | undefined => {
      if (work.taken.has(sha256)) return null;
      work.taken.add(sha256);
      return work.attached.has(sha256) ? { file: label, sha256, status: 'attached' } : undefined;
    };
    if (source.kind === 'local') {
      const already = known(source.sha256);
      if (already !== undefined) return already;
      const name = cleanFileName(path.posix.basename(label));
      if (request.dryRun) {
        warnings.push(...(await openIn(this.root, source, label, (p) => checkContent(p, name, this.deps.limits.maxImagePixels))).map((w) => `${label}: ${w}`));
        return { file: label, sha256: source.sha256, status: 'added' };
      }
      const blob = await openIn(this.root, source, label, (p) => this.deps.ingest.store(createReadStream(p)));
      const prepared = await this.deps.ingest.prepare(blob.sha256, blob.size, name, blob.head);
      warnings.push(...prepared.warnings.map((w) => `${label}: ${w}`));
      work.stored.push(prepared.file);
      return { file: label, sha256: blob.sha256, status: 'added' };
    }
    if (request.dryRun) return { file: label, status: 'unchecked' };
    const download = await this.deps.downloads!.open(source.url);
    const blob = await this.deps.ingest.store(download.stream);
    if (blob.size === 0) throw new Error('the download is empty (0 bytes)');
    const already = known(blob.sha256);
    if (already !== undefined) return already;
    const prepared = await this.deps.ingest.prepare(blob.sha256, blob.size, cleanFileName(download.name), blob.head);
    const reason = request.includeAll ? null : notMedia({ kind: prepared.file.kind as FileKind, mediaType: prepared.file.mediaType });
    if (reason) {
      const claimed = download.contentType ? ` (the server called it ${download.contentType.split(';')[0]})` : '';
      throw new Error(`the download ${reason}${claimed} — perhaps an error page; check the URL, or pass --include-all to store it anyway`);
    }
    warnings.push(...prepared.warnings.map((w) => `${label}: ${w}`));
    work.stored.push(prepared.file);
    return { file: label, sha256: blob.sha256, status: 'added' };
  }

  /**
   * Whether a re-imported record changes the work. Compared with what the import last wrote, so a
   * curator's later edit survives re-runs of an unchanged source; a changed source still wins, with a warning.
   */
  private async metadataChange(actor: Actor, row: WorkRow, next: unknown): Promise<{ update: boolean; warnings: string[] }> {
    const wanted = sortedJson(next);
    if (sortedJson(JSON.parse(row.metadata)) === wanted) return { update: false, warnings: [] };
    const importer = actor.kind === 'user' ? actor.id : null;
    const versions = await this.deps.repo.listVersions(row.id);
    const latest = versions.find((v) => v.version === row.version);
    if (!latest || latest.changed_by === importer) return { update: true, warnings: [] };
    const who = await this.describeUser(latest.changed_by);
    const lastImport = versions.find((v) => v.changed_by === importer);
    if (lastImport && sortedJson(JSON.parse(lastImport.metadata)) === wanted) {
      return { update: false, warnings: [`version ${row.version} by ${who} differs from this record; the source has not changed since the import of version ${lastImport.version}, so the edit was kept`] };
    }
    return { update: true, warnings: [`version ${row.version} was made by ${who}, not by the import; the changed source record replaces it (earlier versions stay in the history)`] };
  }

  private async describeUser(id: string | null): Promise<string> {
    if (id === null) return 'an unknown user';
    const name = await this.deps.userName?.(id).catch(() => null);
    return name ? `${name} (${id})` : `user ${id}`;
  }
}

function done(result: ImportItemResult, warnings: string[]): ImportItemResult {
  return warnings.length > 0 ? { ...result, warnings } : result;
}
