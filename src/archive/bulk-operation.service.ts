import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { PublicUser } from '../govern/identity.contract.js';
import { canReadWork, hasRole, type Actor } from '../govern/roles.js';
import { AppError, CommonErrors, fieldProblem, invalidFields, type ErrorKey, type ErrorKeys, type ErrorReport } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { BulkAction, BulkCounts, BulkOperation, BulkOperationAction, BulkOperationDetail, BulkProblem } from './bulk-operation.contract.js';
import { MAX_BULK_WORKS } from './bulk-operation.contract.js';
import type { BulkItemRow, BulkOperationRepository, BulkOperationRow } from './bulk-operation.repository.js';
import type { CollectionService } from './collection.service.js';
import { parseStoredMetadata, rightsSchema, type WorkMetadata, type WorkMetadataInput } from './metadata.schema.js';
import { sortedJson } from './work-facets.js';
import type { WorkReader } from './work.repository.js';
import { toWork, type UpdateWorkInput, type Visibility, type Work, type WorkService } from './work.service.js';
import './archive.errors.js';

export const BULK_JOB = 'archive.bulk';

/** Who may run bulk operations: those who may edit every work. */
const BULK_ROLES = ['admin', 'curator'] as const;
/** Works changed between two turns of the event loop (each in its own short transaction). */
const DEFAULT_CHUNK = 50;
/** Skipped and failed works listed with an operation (the counts say how many more). */
const PROBLEMS_SHOWN = 50;
/** A work edited by someone else between our read and our write is read again, this many times. */
const CONFLICT_RETRIES = 3;

/**
 * The values of a work an action sets, and that an undo puts back. Only the keys an action
 * touches are present; `rights: null` is "no rights statement".
 */
export interface BulkValues {
  visibility?: Visibility;
  collectionId?: string | null;
  rights?: WorkMetadata['rights'] | null;
  classification?: WorkMetadata['classification'];
}

/** Reads an account now (role changes and disabling apply to a job already queued); a missing one is a not_found AppError or null. */
export type BulkActorLookup = (userId: string) => Promise<Pick<PublicUser, 'id' | 'username' | 'role' | 'disabled'> | null>;

export interface BulkSubmission {
  ids: readonly string[];
  action: BulkAction;
  /** The catalogue query the ids were resolved from (kept with the operation), or null for explicit ids. */
  query?: unknown;
}

type Outcome = { status: 'done'; previous: BulkValues; version: number } | { status: 'unchanged' } | { status: 'skipped' | 'failed'; reason: ErrorReport };

function reasonOf<K extends ErrorKey>(key: K, message: string, ...params: keyof ErrorKeys[K] extends never ? [] : [ErrorKeys[K]]): ErrorReport {
  return { code: 'skipped', key, params: (params[0] ?? {}) as ErrorReport['params'], message };
}

/** The English words of an action in a version's note ("bulk operation <id>: publish"). */
export function actionLabel(action: BulkOperationAction): string {
  switch (action.type) {
    case 'visibility':
      return action.visibility === 'public' ? 'publish' : 'unpublish';
    case 'collection':
      return `${action.mode === 'add' ? 'add to' : action.mode === 'move' ? 'move to' : 'remove from'} collection ${action.collectionId}`;
    case 'rights':
      return `set rights ${action.uri}`;
    case 'classification':
      return `set classification${action.industry !== undefined ? ` industry=${action.industry ?? 'none'}` : ''}${action.heritage !== undefined ? ` heritage=${action.heritage ?? 'none'}` : ''}`;
    case 'undo':
      return `undo bulk operation ${action.operationId}`;
  }
}

/** The values `keys` of a work has now. */
function snapshot(work: Work, keys: readonly (keyof BulkValues)[]): BulkValues {
  const out: BulkValues = {};
  for (const key of keys) {
    if (key === 'visibility') out.visibility = work.visibility;
    if (key === 'collectionId') out.collectionId = work.collectionId;
    if (key === 'rights') out.rights = work.metadata.rights ?? null;
    if (key === 'classification') out.classification = work.metadata.classification;
  }
  return out;
}

/** What an action would set on a work, or why the work is left alone. */
function targetOf(action: BulkAction, work: Work): { values: BulkValues } | { skip: ErrorReport } | 'unchanged' {
  switch (action.type) {
    case 'visibility':
      return { values: { visibility: action.visibility } };
    case 'collection':
      if (action.mode === 'remove') return work.collectionId === action.collectionId ? { values: { collectionId: null } } : 'unchanged';
      // A work is in one collection at most: adding one that is filed elsewhere would move it, which `move` says outright.
      if (action.mode === 'add' && work.collectionId !== null && work.collectionId !== action.collectionId) {
        return { skip: reasonOf('bulk.in_other_collection', `work ${work.id} is in another collection (${work.collectionId}); use "move" to move it`, { id: work.id, collection: work.collectionId }) };
      }
      return { values: { collectionId: action.collectionId } };
    case 'rights':
      return { values: { rights: { uri: action.uri, ...(action.note ? { note: action.note } : {}) } } };
    case 'classification': {
      const classification = { ...work.metadata.classification };
      if (action.industry !== undefined) {
        if (action.industry === null) delete classification.industry;
        else classification.industry = action.industry;
      }
      if (action.heritage !== undefined) {
        if (action.heritage === null) delete classification.heritage;
        else classification.heritage = action.heritage;
      }
      return { values: { classification } };
    }
  }
}

/** The edit that sets `values` on a work (metadata is rewritten only when a metadata field changes). */
function editOf(work: Work, values: BulkValues): Omit<UpdateWorkInput, 'expectedVersion' | 'note'> {
  const edit: Omit<UpdateWorkInput, 'expectedVersion' | 'note'> = {};
  if (values.visibility !== undefined) edit.visibility = values.visibility;
  if (values.collectionId !== undefined) edit.collectionId = values.collectionId;
  if (values.rights !== undefined || values.classification !== undefined) {
    const metadata: WorkMetadata = { ...work.metadata };
    if (values.rights !== undefined) {
      if (values.rights === null) delete metadata.rights;
      else metadata.rights = values.rights;
    }
    if (values.classification !== undefined) metadata.classification = values.classification;
    edit.metadata = metadata as WorkMetadataInput;
  }
  return edit;
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/**
 * Staff bulk operations: one job changes many works, each through WorkService.update (so every
 * changed work gets a version with a note naming the operation, an event and fresh search and
 * facet columns, exactly as a manual edit), records each work's result and the values it
 * replaced, and can be undone where nobody has edited the work since.
 */
export class BulkOperationService {
  constructor(
    private readonly repo: BulkOperationRepository,
    private readonly works: WorkService,
    private readonly reader: Pick<WorkReader, 'findById'>,
    private readonly collections: Pick<CollectionService, 'get' | 'requireFilingAllowed'>,
    private readonly jobs: JobQueue,
    private readonly wakeWorkers: () => void,
    private readonly actors: BulkActorLookup,
    private readonly chunkSize = DEFAULT_CHUNK,
  ) {}

  /** Refuses anyone but admins and curators (a creator edits their works one by one). */
  requireBulkRole(actor: Actor): asserts actor is Extract<Actor, { kind: 'user' }> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!hasRole(actor, BULK_ROLES)) throw CommonErrors.forbidden('only admins and curators run bulk operations', { key: 'bulk.forbidden' });
  }

  /** Queues an operation over `ids` (deduplicated, in order); the job does the work. */
  async submit(actor: Actor, submission: BulkSubmission): Promise<BulkOperationDetail> {
    this.requireBulkRole(actor);
    const ids = [...new Set(submission.ids)];
    if (ids.length === 0) throw CommonErrors.invalid('the selection holds no works', { key: 'bulk.empty_selection' });
    if (ids.length > MAX_BULK_WORKS) throw tooMany(ids.length);
    const action = await this.checkAction(actor, submission.action);
    const id = newId();
    const now = new Date().toISOString();
    await this.repo.transaction(async (trx) => {
      await this.repo.insertOperation(
        trx,
        { id, actor_id: actor.id, action: JSON.stringify(action), selection: submission.query === undefined ? 'ids' : 'query', query: submission.query === undefined ? null : JSON.stringify(submission.query), total: ids.length, status: 'queued', created_at: now },
        ids.map((workId, position) => ({ operation_id: id, position, work_id: workId, status: 'pending' })),
      );
      await this.jobs.enqueue(trx, BULK_JOB, { operationId: id }, { dedupeKey: `${BULK_JOB}:${id}`, maxAttempts: 5 });
    });
    this.wakeWorkers();
    return this.get(actor, id);
  }

  /** Checks what can be checked before the job runs: a valid rights URI, a collection the actor may file into. */
  private async checkAction(actor: Actor, action: BulkAction): Promise<BulkAction> {
    if (action.type === 'rights') {
      const parsed = rightsSchema.safeParse({ uri: action.uri, ...(action.note ? { note: action.note } : {}) });
      if (!parsed.success) throw invalidFields(parsed.error.issues.map((issue) => fieldProblem({ ...issue, path: ['action', ...issue.path] }, 'action')), 'invalid rights');
      return { type: 'rights', uri: parsed.data.uri, ...(parsed.data.note ? { note: parsed.data.note } : {}) };
    }
    if (action.type === 'classification' && action.industry === undefined && action.heritage === undefined) {
      throw CommonErrors.invalid('say which classification to set: industry, heritage or both', { key: 'bulk.classification_empty' });
    }
    if (action.type === 'collection') {
      // 404 for a collection the actor cannot see; 403 when they may not file into it.
      if (action.mode === 'remove') await this.collections.get(actor, action.collectionId);
      else await this.collections.requireFilingAllowed(actor, action.collectionId);
    }
    return action;
  }

  /** An operation with its progress and first problems (404 unless it is the reader's, or the reader is an admin). */
  async get(actor: Actor, id: string): Promise<BulkOperationDetail> {
    const row = await this.visibleOperation(actor, id);
    const counts = (await this.repo.counts([row])).get(row.id)!;
    const { rows, total } = await this.repo.problems(row.id, PROBLEMS_SHOWN);
    const problems: BulkProblem[] = [];
    for (const item of rows) {
      const work = await this.reader.findById(item.work_id);
      // A work the reader may not see is left out of the list, not named (counts still include it).
      if (work && !canReadWork(actor, work)) continue;
      const reason = parseJson<ErrorReport>(item.reason);
      problems.push({
        workId: item.work_id,
        title: work ? parseStoredMetadata(work.metadata).title : null,
        status: item.status as BulkProblem['status'],
        reason: { key: reason?.key ?? 'internal', params: reason?.params ?? {}, message: reason?.message ?? 'unknown' },
      });
    }
    return { ...this.present(actor, row, counts), problems, moreProblems: total - rows.length };
  }

  /** The reader's newest operations (an admin's: everyone's). */
  async list(actor: Actor, limit = 50): Promise<BulkOperation[]> {
    this.requireBulkRole(actor);
    const rows = await this.repo.listOperations(actor.role === 'admin' ? null : actor.id, limit);
    const counts = await this.repo.counts(rows);
    return rows.map((row) => this.present(actor, row, counts.get(row.id)!));
  }

  /**
   * Queues an operation that puts back what `id` changed: each work it changed gets its previous
   * values again, unless it was edited since (then it is skipped with "changed since").
   */
  async undo(actor: Actor, id: string): Promise<BulkOperationDetail> {
    const original = await this.visibleOperation(actor, id);
    const undoId = newId();
    const now = new Date().toISOString();
    await this.repo.transaction(async (trx) => {
      if (!(await this.repo.claimUndo(trx, original.id, undoId))) {
        throw CommonErrors.conflict(`bulk operation ${id} cannot be undone now (it is ${original.undone_by ? 'undone already' : original.status})`, { key: 'bulk.not_undoable', params: { id, status: original.undone_by ? 'undone' : original.status } });
      }
      const items = await this.repo.doneItems(original.id, trx);
      if (items.length === 0) throw CommonErrors.conflict(`bulk operation ${id} changed no work, so there is nothing to undo`, { key: 'bulk.nothing_to_undo', params: { id } });
      const action: BulkOperationAction = { type: 'undo', operationId: original.id };
      await this.repo.insertOperation(
        trx,
        { id: undoId, actor_id: actor.kind === 'user' ? actor.id : '', action: JSON.stringify(action), selection: 'ids', query: null, total: items.length, status: 'queued', created_at: now, undo_of: original.id },
        items.map((item, position) => ({ operation_id: undoId, position, work_id: item.work_id, status: 'pending', target: item.previous, expected_version: item.version })),
      );
      await this.jobs.enqueue(trx, BULK_JOB, { operationId: undoId }, { dedupeKey: `${BULK_JOB}:${undoId}`, maxAttempts: 5 });
    });
    this.wakeWorkers();
    return this.get(actor, undoId);
  }

  /**
   * Runs (or resumes) an operation: pending items in chunks, each work in its own short
   * transaction that also records the item, the event loop free between chunks. Items already
   * finished are never redone, so a re-run after a crash picks up where it stopped.
   */
  async run(operationId: string, options: { signal?: AbortSignal; onChunk?: () => void } = {}): Promise<void> {
    const op = await this.repo.findOperation(operationId);
    if (!op || (op.status !== 'queued' && op.status !== 'running')) return;
    const now = new Date().toISOString();
    await this.repo.updateOperation(op.id, { status: 'running', started_at: op.started_at ?? now });
    const action = JSON.parse(op.action) as BulkOperationAction;
    const actor = await this.currentActor(op.actor_id);
    if (!actor) {
      await this.repo.skipPending(op.id, JSON.stringify(reasonOf('bulk.actor_not_allowed', 'the account that started this operation may no longer run bulk operations (disabled, or its role changed)')));
    } else {
      const note = `bulk operation ${op.id}: ${actionLabel(action)}`;
      for (;;) {
        if (options.signal?.aborted) throw new Error(`bulk operation ${op.id} stopped (the worker is shutting down); it resumes when the job runs again`);
        const items = await this.repo.pendingItems(op.id, this.chunkSize);
        if (items.length === 0) break;
        for (const item of items) await this.runItem(op.id, actor, action, note, item);
        options.onChunk?.();
        // Requests waiting on the event loop (and on SQLite's one connection) go first.
        await yieldToEventLoop();
      }
    }
    await this.repo.updateOperation(op.id, { status: 'done', finished_at: new Date().toISOString() }, ['running']);
  }

  /** Marks an operation failed (its job gave up); works already changed stay changed and can be undone. */
  async fail(operationId: string, error: string): Promise<void> {
    await this.repo.updateOperation(operationId, { status: 'failed', error: error.slice(0, 2000), finished_at: new Date().toISOString() }, ['queued', 'running']);
  }

  private async runItem(operationId: string, actor: Actor, action: BulkOperationAction, note: string, item: BulkItemRow): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.applyItem(operationId, actor, action, note, item);
    } catch (error) {
      // One bad work does not sink the others: it is reported, and the operation goes on.
      outcome = error instanceof AppError
        ? { status: error.code === 'forbidden' || error.code === 'not_found' ? 'skipped' : 'failed', reason: { code: error.code, key: error.key, params: error.params, message: error.message } }
        : { status: 'failed', reason: { code: 'internal', key: 'internal', params: {}, message: 'the server could not change this work (see its log)' } };
    }
    // A done item was recorded inside the work's own transaction.
    if (outcome.status === 'done') return;
    await this.repo.finishItem(operationId, item.position, { status: outcome.status, reason: 'reason' in outcome ? JSON.stringify(outcome.reason) : null });
  }

  private async applyItem(operationId: string, actor: Actor, action: BulkOperationAction, note: string, item: BulkItemRow): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const row = await this.reader.findById(item.work_id);
      if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id: item.work_id });
      const work = toWork(row);
      let values: BulkValues;
      if (action.type === 'undo') {
        if (work.version !== item.expected_version) {
          return { status: 'skipped', reason: reasonOf('bulk.changed_since', `work ${work.id} was edited after the operation (it is at version ${work.version}); it was left as it is`, { id: work.id, version: work.version }) };
        }
        values = parseJson<BulkValues>(item.target) ?? {};
      } else {
        const target = targetOf(action, work);
        if (target === 'unchanged') return { status: 'unchanged' };
        if ('skip' in target) return { status: 'skipped', reason: target.skip };
        values = target.values;
      }
      const previous = snapshot(work, Object.keys(values) as (keyof BulkValues)[]);
      if (sortedJson(previous) === sortedJson(values)) return { status: 'unchanged' };
      try {
        const version = work.version + 1;
        const updated = await this.works.update(actor, work.id, { expectedVersion: work.version, ...editOf(work, values), note }, {
          beforeCommit: (trx) => this.repo.finishItem(operationId, item.position, { status: 'done', previous: JSON.stringify(previous), version }, trx),
        });
        // No new version: the edit changed nothing the archive compares (e.g. an empty note).
        return updated.version === work.version ? { status: 'unchanged' } : { status: 'done', previous, version };
      } catch (error) {
        if (error instanceof AppError && error.code === 'version_conflict' && attempt < CONFLICT_RETRIES && action.type !== 'undo') continue;
        if (error instanceof AppError && error.code === 'version_conflict' && action.type === 'undo') {
          return { status: 'skipped', reason: reasonOf('bulk.changed_since', `work ${work.id} was edited after the operation; it was left as it is`, { id: work.id, version: work.version }) };
        }
        throw error;
      }
    }
  }

  /** The account as it is now, if it may still run bulk operations. */
  private async currentActor(userId: string): Promise<Actor | null> {
    const user = await this.actors(userId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return null;
      throw error;
    });
    if (!user || user.disabled || !(BULK_ROLES as readonly string[]).includes(user.role)) return null;
    return { kind: 'user', id: user.id, username: user.username, role: user.role };
  }

  private async visibleOperation(actor: Actor, id: string): Promise<BulkOperationRow & { actor_name: string | null }> {
    this.requireBulkRole(actor);
    const row = await this.repo.findOperation(id);
    // Curators see their own operations; admins everyone's. Others' are as unknown as missing ones.
    if (!row || (actor.role !== 'admin' && row.actor_id !== actor.id)) throw CommonErrors.notFound('bulk_operation', { id });
    return row;
  }

  private present(actor: Actor, row: BulkOperationRow & { actor_name: string | null }, counts: BulkCounts): BulkOperation {
    const finished = row.status === 'done' || row.status === 'failed';
    return {
      id: row.id,
      action: JSON.parse(row.action) as BulkOperationAction,
      selection: row.selection === 'query' ? 'query' : 'ids',
      status: row.status as BulkOperation['status'],
      counts,
      actorId: row.actor_id,
      actorName: row.actor_name,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      undoOf: row.undo_of,
      undoneBy: row.undone_by,
      canUndo: finished && row.undone_by === null && counts.done > 0 && hasRole(actor, BULK_ROLES),
    };
  }
}

/** The selection is larger than one operation takes. */
export function tooMany(count: number): AppError {
  return CommonErrors.invalid(`a bulk operation changes at most ${MAX_BULK_WORKS} works; this selection has ${count}. Narrow the search or split the selection`, { key: 'bulk.too_many', params: { max: MAX_BULK_WORKS, count } });
}
