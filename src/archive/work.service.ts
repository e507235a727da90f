import type { Transaction } from 'kysely';
import type { AuditRecorder } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import { canEditWork, canReadWork, hasRole, isStaff, CONTRIBUTOR_ROLES } from '../govern/roles.js';
import type { DB } from '../platform/db/schema.js';
import { AppError, CommonErrors, fieldProblem, invalidFields } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { isDownloadPolicy, type DownloadPolicy } from './download-policy.js';
import { parseStoredMetadata, workMetadataSchema, type WorkMetadata, type WorkMetadataInput } from './metadata.schema.js';
import type { DerivativeRow, WorkFileRow, WorkRepository, WorkRow } from './work.repository.js';
import type { WorkEvent, WorkVersion, WorkVersionDetail } from './work.contract.js';
import { changedFields, facetColumns, withDerivedYears } from './work-facets.js';

export type Visibility = 'private' | 'public';
export const VISIBILITIES: readonly Visibility[] = ['private', 'public'];

/** A file already in the blob store, ready to be attached to a work. */
export interface StoredFileInput {
  sha256: string;
  originalName: string;
  mediaType: string;
  kind: string;
  size: number;
  width?: number | null;
  height?: number | null;
  placeholder?: string | null;
  /** Derivatives made during ingest (e.g. the thumbnail), already in the blob store. */
  derivatives?: { name: string; sha256: string; mediaType: string; width: number; height: number }[];
}

export interface CreateWorkInput {
  metadata: WorkMetadataInput;
  visibility?: Visibility;
  collectionId?: string | null;
  sourceKey?: string | null;
  files?: StoredFileInput[];
  note?: string;
}

export interface UpdateWorkInput {
  expectedVersion: number;
  metadata?: WorkMetadataInput;
  visibility?: Visibility;
  collectionId?: string | null;
  /** What visitors may download (null: inherit from the collection, then the rights). */
  downloadPolicy?: DownloadPolicy | null;
  note?: string;
}

/** Steps a caller adds to a work's writing transaction (upload keys, quota), run last before the commit. */
export interface WriteHooks {
  /** Throwing here rolls the whole write back. `attached`: the files this write added (not those the work held already). */
  beforeCommit?: (trx: Transaction<DB>, workId: string, attached: readonly string[]) => Promise<void>;
}

/** Throws unless the actor may file works into the collection (404 unknown or hidden, 403 not allowed). */
export type CollectionFiling = (actor: Actor, collectionId: string) => Promise<void>;

/** Keeps the search index in step with works, inside the same transaction. */
export interface WorkIndexer {
  indexWork(trx: Transaction<DB>, work: { seq: number; metadata: WorkMetadata }): Promise<void>;
}

export const DISPLAY_JOB = 'media.display';

/** A request to make a work public, as the publication gate sees it. */
export interface PublicationRequest {
  actor: Actor;
  workId: string;
  ownerId: string | null;
  collectionId: string | null;
}

/** What the gate answers when a work must wait: written once the work's row is in, in the same transaction. */
export interface PublicationHold {
  record(trx: Transaction<DB>): Promise<void>;
  /** After the commit (audit, waking the workers). */
  committed(): void;
}

/**
 * Decides, inside the work's own transaction, whether a work may become public now (null) or must
 * wait for review (the review module plugs it in through ArchiveExtensions.setPublicationGate).
 * The work then stays private and the hold records the submission in the same transaction.
 */
export interface PublicationGate {
  intercept(trx: Transaction<DB>, request: PublicationRequest): Promise<PublicationHold | null>;
}

/** One line of a work's event log (work.contract.ts). */
export type { WorkEvent };

/**
 * Events about a work that another module keeps in its own tables (newest first, at most `limit`).
 * `viewer.manages`: whether the reader may edit the work; history is also shown to staff who may
 * not (reviewers), so a source leaves out what only managers may know (who received a copy).
 */
export type WorkEventSource = (workId: string, limit: number, viewer: { manages: boolean }) => Promise<WorkEvent[]>;

export interface Work {
  id: string;
  version: number;
  visibility: Visibility;
  workType: string;
  collectionId: string | null;
  ownerId: string | null;
  sourceKey: string | null;
  metadata: WorkMetadata;
  createdAt: string;
  updatedAt: string;
  /** The work's own download policy (null: its collection's, else its rights' default). */
  downloadPolicy: DownloadPolicy | null;
  /** Set by a write that asked for publication and was held for review (the work stayed private). */
  reviewPending?: true;
}

export function toWork(row: WorkRow): Work {
  return {
    id: row.id,
    version: row.version,
    visibility: row.visibility as Visibility,
    workType: row.work_type,
    collectionId: row.collection_id,
    ownerId: row.owner_id,
    sourceKey: row.source_key,
    metadata: parseStoredMetadata(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    downloadPolicy: isDownloadPolicy(row.download_policy) ? row.download_policy : null,
  };
}

/** Parses metadata or throws invalid_input naming each bad field. */
export function validateMetadata(input: unknown): WorkMetadata {
  const parsed = workMetadataSchema.safeParse(input);
  if (!parsed.success) {
    throw invalidFields(parsed.error.issues.map((issue) => fieldProblem(issue, 'metadata')), 'invalid metadata');
  }
  return withDerivedYears(parsed.data);
}

const TYPE_PRIORITY = ['image', 'model', 'video', 'audio', 'pdf', 'text', 'other'];

function workTypeOf(files: { kind: string }[]): string {
  if (files.length === 0) return 'record';
  return [...files].sort((a, b) => TYPE_PRIORITY.indexOf(a.kind) - TYPE_PRIORITY.indexOf(b.kind))[0]!.kind;
}

/** The main file of a work: the first (in order) of its best kind — an image before a recording, a document or anything else. */
function primaryOf(files: { sha256: string; kind: string }[]): string | null {
  const kind = workTypeOf(files);
  return files.find((f) => f.kind === kind)?.sha256 ?? null;
}

/** Works: create, read, edit with full version history, restore, attach files. */
export class WorkService {
  constructor(
    private readonly repo: WorkRepository,
    private readonly jobs: JobQueue,
    private readonly indexer: WorkIndexer,
    /** Background jobs every new image file gets (display copy, fingerprints), each with payload { sha256 }. */
    private readonly imageJobs: readonly string[] = [DISPLAY_JOB],
    /** Events other modules keep about works (registrations, issued copies), merged into a work's events. */
    private readonly eventSources: readonly WorkEventSource[] = [],
    /** Refuses a collection the actor may not file works into (collection.service: requireFilingAllowed). */
    private readonly requireFiling: CollectionFiling | null = null,
    /** Where a change of visibility is recorded (govern's audit trail). */
    private readonly audit: AuditRecorder | null = null,
  ) {}

  private gate: PublicationGate | null = null;

  /** Plugged in by the review module (ArchiveExtensions.setPublicationGate). */
  setPublicationGate(gate: PublicationGate): void {
    this.gate = gate;
  }

  /** Asks the gate, inside the write's transaction, whether making the work public must wait (staff never wait: the gate decides that too). */
  private async holdFor(trx: Transaction<DB>, request: PublicationRequest): Promise<PublicationHold | null> {
    return this.gate ? this.gate.intercept(trx, request) : null;
  }

  async create(actor: Actor, input: CreateWorkInput, hooks: WriteHooks = {}): Promise<Work> {
    if (!hasRole(actor, CONTRIBUTOR_ROLES) || actor.kind !== 'user') throw CommonErrors.forbidden('only admins, curators and creators can add works', { key: 'work.create_forbidden' });
    const metadata = validateMetadata(input.metadata);
    // A new work has no image to draw on yet (uploads add them; annotations come after).
    if (metadata.annotations.length > 0) throw invalidFields([fieldProblem({ code: 'custom', path: ['annotations'], message: 'a new work has no images to annotate yet; add annotations once its images are uploaded' }, 'metadata')], 'invalid metadata');
    if (input.collectionId) await this.requireFiling?.(actor, input.collectionId);
    const files = input.files ?? [];
    const now = new Date().toISOString();
    const id = newId();
    let visibility = input.visibility ?? 'private';
    let hold: PublicationHold | null = null;
    const created = await this.repo.transaction(async (trx) => {
      hold = visibility === 'public' ? await this.holdFor(trx, { actor, workId: id, ownerId: actor.id, collectionId: input.collectionId ?? null }) : null;
      if (hold) visibility = 'private';
      const row = await this.repo.insertWork(trx, {
        id,
        source_key: input.sourceKey ?? null,
        collection_id: input.collectionId ?? null,
        owner_id: actor.id,
        visibility,
        work_type: workTypeOf(files),
        metadata: JSON.stringify(metadata),
        version: 1,
        ...facetColumns(metadata),
        primary_file_sha256: primaryOf(files),
        created_at: now,
        updated_at: now,
      });
      await this.attachFiles(trx, id, files, 0, now);
      await this.repo.insertVersion(trx, {
        work_id: id,
        version: 1,
        metadata: row.metadata,
        visibility,
        collection_id: row.collection_id,
        changed_by: actor.id,
        changed_at: now,
        changed_fields: JSON.stringify(changedFields({}, metadata)), // the fields the record was created with (empty ones are not "changed")
        note: input.note ?? null,
      });
      await this.repo.insertEvent(trx, { work_id: id, type: 'created', actor_id: actor.id, at: now, detail: JSON.stringify({ files: files.map((f) => f.sha256), sourceKey: input.sourceKey ?? null }) });
      await this.indexer.indexWork(trx, { seq: row.seq, metadata });
      await (hold as PublicationHold | null)?.record(trx);
      await hooks.beforeCommit?.(trx, id, files.map((f) => f.sha256));
      return toWork(row);
    });
    if (!hold) return created;
    (hold as PublicationHold).committed();
    return { ...created, reviewPending: true };
  }

  /** Adds files to an existing work (a new version is not needed: files are content, not description). */
  async addFiles(actor: Actor, workId: string, files: StoredFileInput[], hooks: WriteHooks = {}): Promise<Work> {
    const row = await this.requireEditable(actor, workId);
    const now = new Date().toISOString();
    await this.repo.transaction(async (trx) => {
      const existing = new Set((await this.repo.filesOf([workId], trx)).map((f) => f.sha256));
      const fresh = files.filter((f) => !existing.has(f.sha256));
      const start = (await this.repo.maxFilePosition(trx, workId)) + 1;
      await this.attachFiles(trx, workId, fresh, start, now);
      const all = [...(await this.repo.filesOf([workId], trx))];
      // The main file stays unless a better kind arrived (an image after a stray document or a recording).
      const kind = workTypeOf(all);
      const current = all.find((f) => f.sha256 === row.primary_file_sha256);
      const primary = current && current.kind === kind ? current.sha256 : primaryOf(all);
      await this.repo.touchWork(trx, workId, { work_type: kind, primary_file_sha256: primary, updated_at: now });
      if (fresh.length > 0) {
        await this.repo.insertEvent(trx, { work_id: workId, type: 'files_added', actor_id: actorId(actor), at: now, detail: JSON.stringify({ files: fresh.map((f) => f.sha256) }) });
      }
      await hooks.beforeCommit?.(trx, workId, fresh.map((f) => f.sha256));
    });
    return toWork((await this.repo.findById(workId))!);
  }

  private async attachFiles(trx: Transaction<DB>, workId: string, files: StoredFileInput[], startPosition: number, now: string): Promise<void> {
    let position = startPosition;
    for (const file of files) {
      await this.repo.insertBlobIfMissing(trx, { sha256: file.sha256, size: file.size, media_type: file.mediaType, created_at: now });
      const fileRow: WorkFileRow = {
        id: newId(),
        work_id: workId,
        sha256: file.sha256,
        original_name: file.originalName,
        media_type: file.mediaType,
        kind: file.kind,
        size: file.size,
        width: file.width ?? null,
        height: file.height ?? null,
        placeholder: file.placeholder ?? null,
        position: position++,
        created_at: now,
      };
      await this.repo.insertFile(trx, fileRow);
      for (const d of file.derivatives ?? []) {
        await this.repo.upsertDerivative(trx, { source_sha256: file.sha256, name: d.name, sha256: d.sha256, media_type: d.mediaType, width: d.width, height: d.height, created_at: now });
      }
      if (file.kind === 'image') {
        for (const kind of this.imageJobs) {
          // Display copies belong to the bytes, not the work: bytes archived before keep theirs (a
          // remake would orphan the old copy). A pending job is covered by the dedupe key.
          if (kind === DISPLAY_JOB && (await this.repo.hasDerivative(trx, file.sha256, 'display'))) continue;
          await this.jobs.enqueue(trx, kind, { sha256: file.sha256 }, { dedupeKey: `${kind}:${file.sha256}` });
        }
      }
    }
  }

  /** A work the actor may read; private works are reported as missing to those who may not see them. */
  async get(actor: Actor, id: string): Promise<Work> {
    const row = await this.repo.findById(id);
    if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id });
    return toWork(row);
  }

  async files(actor: Actor, id: string): Promise<WorkFileRow[]> {
    await this.get(actor, id);
    return this.repo.filesOf([id]);
  }

  /** A readable work with its files and their derivatives (thumbnails, display copies). */
  async withFiles(actor: Actor, id: string): Promise<{ work: Work; files: WorkFileRow[]; derivatives: DerivativeRow[]; canEdit: boolean }> {
    const work = await this.get(actor, id);
    const files = await this.repo.filesOf([id]);
    const derivatives = await this.repo.derivativesOf(files.map((f) => f.sha256));
    return { work, files, derivatives, canEdit: canEditWork(actor, { visibility: work.visibility, owner_id: work.ownerId }) };
  }

  /** Every annotation is on one of the work's images, and inside it; otherwise invalid_input naming each. */
  private async checkAnnotations(workId: string, metadata: WorkMetadata): Promise<void> {
    if (metadata.annotations.length === 0) return;
    const images = new Map((await this.repo.filesOf([workId])).filter((f) => f.kind === 'image').map((f) => [f.sha256, f]));
    const problems = metadata.annotations.flatMap((annotation, i) => {
      const at = (field: string, message: string) => fieldProblem({ code: 'custom', path: ['annotations', i, field], message }, 'metadata');
      const image = images.get(annotation.file);
      if (!image) return [at('file', 'is not one of this work\'s images')];
      const { x, y, width, height } = annotation.region;
      if (image.width && image.height && (x + width > image.width || y + height > image.height)) return [at('region', `must lie inside the image (${image.width} × ${image.height} pixels)`)];
      return [];
    });
    if (problems.length > 0) throw invalidFields(problems, 'invalid metadata');
  }

  /** `hooks.beforeCommit` runs inside the edit's transaction (a bulk operation records its item there), and only when something changed. */
  async update(actor: Actor, id: string, input: UpdateWorkInput, hooks: WriteHooks = {}): Promise<Work> {
    const row = await this.requireEditable(actor, id);
    if (input.visibility && !VISIBILITIES.includes(input.visibility)) throw CommonErrors.invalid('visibility must be private or public', { key: 'work.visibility_invalid' });
    if (row.version !== input.expectedVersion) throw versionConflict(id, row.version, input.expectedVersion);
    const before = parseStoredMetadata(row.metadata);
    const metadata = input.metadata ? validateMetadata(input.metadata) : before;
    if (input.metadata) await this.checkAnnotations(id, metadata);
    let visibility = input.visibility ?? (row.visibility as Visibility);
    const collectionId = input.collectionId === undefined ? row.collection_id : input.collectionId;
    const fields = changedFields(before, metadata);
    if (visibility !== row.visibility) fields.push('visibility');
    if (collectionId !== row.collection_id) fields.push('collection');
    const downloadPolicy = input.downloadPolicy === undefined ? row.download_policy : input.downloadPolicy;
    if (downloadPolicy !== row.download_policy) fields.push('downloadPolicy');
    if (fields.length === 0) return toWork(row);
    // Moving a work into a collection is filing it there; taking it out of one is the owner's to do.
    if (collectionId && collectionId !== row.collection_id) await this.requireFiling?.(actor, collectionId);
    const now = new Date().toISOString();
    const version = row.version + 1;
    let hold: PublicationHold | null = null;
    let wrote = true;
    await this.repo.transaction(async (trx) => {
      if (visibility === 'public' && row.visibility !== 'public') {
        hold = await this.holdFor(trx, { actor, workId: id, ownerId: row.owner_id, collectionId });
        if (hold) {
          // The work stays private; the rest of the edit is written as usual.
          visibility = 'private';
          fields.splice(fields.indexOf('visibility'), 1);
          if (fields.length === 0) {
            wrote = false;
            await (hold as PublicationHold).record(trx);
            return;
          }
        }
      }
      const ok = await this.repo.updateWork(trx, id, row.version, {
        metadata: JSON.stringify(metadata),
        visibility,
        collection_id: collectionId,
        download_policy: downloadPolicy,
        version,
        ...facetColumns(metadata),
        updated_at: now,
      });
      if (!ok) throw versionConflict(id, -1, input.expectedVersion);
      await this.repo.insertVersion(trx, {
        work_id: id,
        version,
        metadata: JSON.stringify(metadata),
        visibility,
        collection_id: collectionId,
        changed_by: actorId(actor),
        changed_at: now,
        changed_fields: JSON.stringify(fields),
        note: input.note ?? null,
      });
      await this.repo.insertEvent(trx, { work_id: id, type: 'edited', actor_id: actorId(actor), at: now, detail: JSON.stringify({ version, fields }) });
      await this.indexer.indexWork(trx, { seq: row.seq, metadata });
      await (hold as PublicationHold | null)?.record(trx);
      await hooks.beforeCommit?.(trx, id, []);
    });
    if (hold) (hold as PublicationHold).committed();
    if (!wrote) return { ...toWork(row), reviewPending: true };
    // Not awaited: the change is committed, and an error here would tell the editor it was not.
    if (visibility !== row.visibility) this.audit?.note({ actor: actorId(actor) ?? 'system', action: 'work_visibility.change', target: { type: 'work', id }, details: { from: row.visibility, to: visibility, version } });
    const updated = toWork((await this.repo.findById(id))!);
    return hold ? { ...updated, reviewPending: true } : updated;
  }

  /**
   * Sets a work's visibility on a review's decision (approval publishes, an upheld report
   * unpublishes), inside the review's own transaction, as a new version noting why. Never gated;
   * the caller records the change in the audit trail once committed. False when the work is missing or already has that visibility.
   */
  async setVisibilityByReview(trx: Transaction<DB>, id: string, visibility: Visibility, by: { reviewerId: string; note: string }): Promise<boolean> {
    const row = await this.repo.findById(id, trx);
    if (!row || row.visibility === visibility) return false;
    const now = new Date().toISOString();
    const version = row.version + 1;
    const ok = await this.repo.updateWork(trx, id, row.version, { visibility, version, updated_at: now });
    if (!ok) throw versionConflict(id, -1, row.version);
    await this.repo.insertVersion(trx, { work_id: id, version, metadata: row.metadata, visibility, collection_id: row.collection_id, changed_by: by.reviewerId, changed_at: now, changed_fields: JSON.stringify(['visibility']), note: by.note });
    await this.repo.insertEvent(trx, { work_id: id, type: 'edited', actor_id: by.reviewerId, at: now, detail: JSON.stringify({ version, fields: ['visibility'] }) });
    return true;
  }

  async versions(actor: Actor, id: string): Promise<WorkVersion[]> {
    await this.requireHistoryReader(actor, id);
    return (await this.repo.listVersions(id)).map((v) => ({
      version: v.version,
      changedBy: v.changed_by,
      changedByName: v.changed_by_name,
      changedByUsername: v.changed_by_username,
      changedAt: v.changed_at,
      changedFields: JSON.parse(v.changed_fields) as string[],
      note: v.note,
      visibility: v.visibility as Visibility,
    }));
  }

  async version(actor: Actor, id: string, version: number): Promise<WorkVersionDetail> {
    await this.requireHistoryReader(actor, id);
    const row = await this.repo.findVersion(id, version);
    if (!row) throw CommonErrors.notFound('work_version', { id, version }, `version ${version} of work ${id} was not found`);
    return { version: row.version, metadata: parseStoredMetadata(row.metadata), visibility: row.visibility as Visibility, collectionId: row.collection_id, changedAt: row.changed_at, changedBy: row.changed_by };
  }

  /** Restores an old version as a new version, so the history keeps every step. */
  async restore(actor: Actor, id: string, version: number, expectedVersion: number): Promise<Work> {
    await this.requireEditable(actor, id);
    const old = await this.version(actor, id, version);
    return this.update(actor, id, { expectedVersion, metadata: old.metadata, visibility: old.visibility, collectionId: old.collectionId, note: `restored version ${version}` });
  }

  /** A work's events, newest first: its own (created, edited, files added…) and those other modules keep. */
  async events(actor: Actor, id: string): Promise<WorkEvent[]> {
    const row = await this.requireHistoryReader(actor, id);
    const limit = 200;
    const own = (await this.repo.listEvents(id, limit)).map((e) => ({ type: e.type, actorId: e.actor_id, actorName: e.actor_name, actorUsername: e.actor_username, at: e.at, detail: JSON.parse(e.detail) as unknown }));
    const viewer = { manages: canEditWork(actor, row) };
    const others = await Promise.all(this.eventSources.map((source) => source(id, limit, viewer)));
    return [own, ...others].flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }

  /** History is for those who may edit the work, and for staff (reviewers audit it). */
  private async requireHistoryReader(actor: Actor, id: string): Promise<WorkRow> {
    const row = await this.repo.findById(id);
    if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id });
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!canEditWork(actor, row) && !isStaff(actor)) throw CommonErrors.forbidden('you may not see the history of this work', { key: 'work.history_forbidden', params: { id } });
    return row;
  }

  private async requireEditable(actor: Actor, id: string): Promise<WorkRow> {
    const row = await this.repo.findById(id);
    if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id });
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!canEditWork(actor, row)) throw CommonErrors.forbidden('you may not edit this work', { key: 'work.edit_forbidden', params: { id } });
    return row;
  }
}

function actorId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.id : null;
}

function versionConflict(id: string, current: number, expected: number): AppError {
  const message = `work ${id} was changed by someone else (you edited version ${expected}${current > 0 ? `, it is now at version ${current}` : ''}); reload and apply your edit again`;
  return current > 0
    ? new AppError('version_conflict', message, { key: 'work.version_conflict', params: { id, expected, current } })
    : new AppError('version_conflict', message, { key: 'work.changed_meanwhile', params: { id, expected } });
}
