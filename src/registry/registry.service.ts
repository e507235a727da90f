import type { WorkReader, WorkRow } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { canReadWork, hasRole } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { encodeHex } from './base64.js';
import { commitmentsOf, SALT_BYTES, type EntryOpening } from './commitment.js';
import { nodeCrypto } from './crypto-node.js';
import { decodeEntry, encodeEntry, REGISTRANT_ROLES, type RegistrantRole, type RegistryEntry } from './entry.js';
import type { RegistrantKeys } from './registrant-keys.js';
import { registrationRequestKey } from './request-seal.js';
import type { AcceptedRegistration, RegistryRepository } from './registry.repository.js';
import type { Receipt, RegistrationStatus, RegistrationSummary, RegistryHealth } from './registry.contract.js';
import type { TransparencyLog } from './transparency-log.js';

export type { Receipt, RegistrationStatus, RegistrationSummary };

/** What a registration request is for, besides the work and the registrant (their idempotency key). */
export interface RegisterOptions {
  role?: RegistrantRole;
  termsSha256?: string | null;
}

/** Works a bulk registration accepts, and sequences, per durable transaction. */
const BULK_BATCH = 4096;

/** How `registerMany` batches (at most 4,096 works per transaction), and who hears of each batch once it is written. */
export interface BulkProgress {
  batch?: number;
  /** Each batch's answers, once its transaction committed (a run's journal notes them). */
  onWritten?: (done: BulkRegistration[]) => void;
}

/** One work's answer from `registerMany`: its registration (`existing`: made before), or why not. */
export type BulkRegistration = { workId: string; registrationId: string; existing: boolean } | { workId: string; error: Error };

/** A work's registration request, checked: who registers it as what, and its idempotency key. */
interface WorkRequest {
  actor: Actor & { kind: 'user' };
  contentSha256: string;
  role: RegistrantRole;
  termsSha256: string | null;
  sealed: boolean;
  requestKey: string;
}

/** A new registration of a bulk run, built and not yet written, with what it was built from. */
interface BulkItem {
  workId: string;
  item: WorkRequest & { fingerprints: string[]; workId: string };
  accepted: AcceptedRegistration;
}

/** Registering works in the transparency log and handing out receipts. */
export class RegistryService {
  private waiters: (() => void)[] = [];

  constructor(
    private readonly repo: RegistryRepository,
    private readonly works: WorkReader,
    private readonly keys: RegistrantKeys,
    readonly log: TransparencyLog,
    private readonly hooks: {
      /** Called when a registration is waiting to be sequenced (wakes the sequencer). */
      onPending?: () => void;
      /** Takes or renews this process's sequencer lease: its holder name while it leads, else null (bulk runs sequence their own batches then). */
      lead?: () => Promise<string | null>;
      /** Perceptual fingerprint lines (`pdq:…`, `iscc:…`) of stored files, for their entries, by sha256. */
      fingerprintsOf?: (sha256s: string[]) => Promise<Map<string, string[]>>;
      /** The witnesses configured and the quorum (for health: without one a rollback goes unnoticed). */
      witnesses?: { count: number; quorum: number };
    } = {},
  ) {}

  /**
   * Accepts a registration of a work's primary file. Owners register as author or right holder;
   * admins and curators may also register on behalf of the institution. The registration is
   * durable once this returns (pending); `waitMs` waits for it to be sequenced into a checkpoint.
   * `againGeneration` registers once more as that generation (see `nextGeneration`): asked twice,
   * it answers with the registration the first ask made, so an "again" can be retried safely.
   */
  async register(actor: Actor, workId: string, options: RegisterOptions & { waitMs?: number; again?: boolean; againGeneration?: number } = {}): Promise<RegistrationStatus> {
    const request = await this.workRequest(actor, workId, options);
    return this.accept(request.actor, {
      contentSha256: request.contentSha256,
      role: request.role,
      termsSha256: request.termsSha256,
      fingerprints: (await this.hooks.fingerprintsOf?.([request.contentSha256]))?.get(request.contentSha256) ?? [],
      workId,
      sealed: request.sealed,
      waitMs: options.waitMs ?? 0,
      again: options.again ?? false,
      ...(options.againGeneration !== undefined ? { againGeneration: options.againGeneration } : {}),
    });
  }

  /**
   * The generation the next registration of this request (work, file, registrant, role, terms)
   * would have: 0 if never registered. A client notes it before registering with `againGeneration`,
   * so that after a crash it asks for the same one instead of one more.
   */
  async nextGeneration(actor: Actor, workId: string, options: RegisterOptions = {}): Promise<number> {
    const request = await this.workRequest(actor, workId, options);
    const latest = await this.repo.latestRequest(request.requestKey);
    return latest ? latest.generation + 1 : 0;
  }

  /** Who may register the work as what, and the idempotency key of that request. */
  private async workRequest(actor: Actor, workId: string, options: RegisterOptions): Promise<WorkRequest> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    return this.requestOf(actor, workId, await this.works.findById(workId), options);
  }

  /** The checks of `workRequest` on a work already read (`registerMany` reads them all at once). */
  private requestOf(actor: Actor & { kind: 'user' }, workId: string, work: Pick<WorkRow, 'owner_id' | 'visibility' | 'primary_file_sha256'> | undefined, options: RegisterOptions): WorkRequest {
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    const staff = hasRole(actor, ['admin', 'curator']);
    if (work.owner_id !== actor.id && !staff) throw CommonErrors.forbidden('only the owner of a work, or a curator for the institution, may register it', { key: 'registry.register_forbidden' });
    const owner = work.owner_id === actor.id;
    const role = options.role ?? (owner ? 'author' : 'institution');
    if (!REGISTRANT_ROLES.includes(role)) throw CommonErrors.invalid(`role must be one of ${REGISTRANT_ROLES.join(', ')}`, { key: 'registry.role_invalid', params: { role: String(role) } });
    if (role === 'institution' && !staff) throw CommonErrors.forbidden('only admins and curators register for the institution', { key: 'registry.institution_forbidden' });
    // Claiming authorship or rights is for the owner; staff register others' works for the institution.
    if (role !== 'institution' && !owner) throw CommonErrors.forbidden(`only the work's owner can register as ${role}; register as institution instead`, { key: 'registry.owner_only', params: { role } });
    if (!work.primary_file_sha256) throw new AppError('invalid_input', `work ${workId} has no file to register; upload its file first`, { key: 'registry.no_file', params: { id: workId } });
    const termsSha256 = options.termsSha256 ?? null;
    return {
      actor,
      contentSha256: work.primary_file_sha256,
      role,
      termsSha256,
      // A work that is not public gets a sealed entry: the public log must not confirm its file to whoever holds a copy.
      sealed: work.visibility !== 'public',
      requestKey: registrationRequestKey({ workId, fileSha256: work.primary_file_sha256, userId: actor.id, role, termsSha256 }),
    };
  }

  /**
   * Registers many works for one registrant (`wenyuan register`): the same checks and idempotency
   * as `register` for each, but read and written in batches. When this process holds (or can take)
   * the sequencer's lease, each batch is accepted and sequenced in one durable transaction — its
   * registrations are in a signed checkpoint when this returns; otherwise (another process leads,
   * or the lease is lost meanwhile) a batch is accepted as pending, durably, for the sequencer.
   * The next batch is read and prepared while one commits. One answer per distinct work, in order:
   * its registration (`existing` when asked before) or why not.
   */
  async registerMany(actor: Actor, requests: { workId: string; againGeneration?: number }[], options: RegisterOptions & { again?: boolean } = {}, progress: BulkProgress = {}): Promise<BulkRegistration[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    await this.log.signer();
    const wanted = new Map<string, number | undefined>();
    for (const r of requests) if (!wanted.has(r.workId)) wanted.set(r.workId, r.againGeneration);
    const workIds = [...wanted.keys()];
    const registrant = (await this.keys.forUser(actor.id)).keyId;
    const out = new Map<string, BulkRegistration>();
    const size = Math.max(1, Math.min(progress.batch ?? BULK_BATCH, BULK_BATCH));
    let pending = false;
    let written: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < workIds.length; i += size) {
        const batch = workIds.slice(i, i + size);
        const fresh = await this.prepareMany(actor, registrant, batch, wanted, options, out);
        await written;
        written = this.writeMany(actor, fresh, out).then((leftPending) => {
          pending ||= leftPending;
          progress.onWritten?.(batch.map((workId) => out.get(workId)!));
        });
      }
    } finally {
      // A batch being committed is seen to its end, even when reading the next one failed.
      await written;
    }
    if (pending) this.hooks.onPending?.();
    this.wake();
    return workIds.map((workId) => out.get(workId)!);
  }

  /** `nextGeneration` of many works at once (`wenyuan register --again`): each work's number, or why it cannot be registered. */
  async nextGenerations(actor: Actor, workIds: string[], options: RegisterOptions = {}): Promise<Map<string, number | Error>> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const out = new Map<string, number | Error>();
    for (let i = 0; i < workIds.length; i += BULK_BATCH) {
      const batch = workIds.slice(i, i + BULK_BATCH);
      const works = new Map((await this.works.registrationFactsOf(batch)).map((w) => [w.id, w]));
      const keys = new Map<string, string>();
      for (const workId of batch) {
        try {
          keys.set(workId, this.requestOf(actor, workId, works.get(workId), options).requestKey);
        } catch (error) {
          out.set(workId, error as Error);
        }
      }
      const latest = await this.repo.latestRequests([...keys.values()]);
      for (const [workId, key] of keys) out.set(workId, (latest.get(key)?.generation ?? -1) + 1);
    }
    return out;
  }

  /** A bulk batch's new registrations, checked and built (nothing written); refusals and earlier registrations go to `out`. */
  private async prepareMany(actor: Actor & { kind: 'user' }, registrant: string, workIds: string[], wanted: Map<string, number | undefined>, options: RegisterOptions & { again?: boolean }, out: Map<string, BulkRegistration>): Promise<BulkItem[]> {
    const works = new Map((await this.works.registrationFactsOf(workIds)).map((w) => [w.id, w]));
    const asked: { workId: string; request: WorkRequest }[] = [];
    for (const workId of workIds) {
      try {
        asked.push({ workId, request: this.requestOf(actor, workId, works.get(workId), options) });
      } catch (error) {
        out.set(workId, { workId, error: error as Error });
      }
    }
    const previous = await this.repo.latestRequests(asked.map((a) => a.request.requestKey));
    const generations: { workId: string; request: WorkRequest; generation: number }[] = [];
    for (const { workId, request } of asked) {
      try {
        const generation = await this.generationFor(request.requestKey, previous.get(request.requestKey), options.again ?? false, wanted.get(workId));
        if (typeof generation === 'string') out.set(workId, { workId, registrationId: generation, existing: true });
        else generations.push({ workId, request, generation });
      } catch (error) {
        out.set(workId, { workId, error: error as Error });
      }
    }
    const prints = await this.hooks.fingerprintsOf?.(generations.map((g) => g.request.contentSha256)).catch(() => null);
    const fresh: BulkItem[] = [];
    for (const { workId, request, generation } of generations) {
      try {
        // One file failing fails the read of all: then each is read again on its own. As for one
        // registration, a file whose fingerprints cannot be read or computed is not registered.
        const fingerprints = prints === null ? ((await this.hooks.fingerprintsOf?.([request.contentSha256]))?.get(request.contentSha256) ?? []) : (prints?.get(request.contentSha256) ?? []);
        const item = { ...request, fingerprints, workId };
        fresh.push({ workId, item, accepted: await this.prepare(registrant, actor.id, item, generation) });
      } catch (error) {
        out.set(workId, { workId, error: error as Error });
      }
    }
    return fresh;
  }

  /**
   * Writes a bulk batch in one durable transaction: sequenced when this process leads, else pending
   * (then returns true). Answers go to `out`; a batch that fails is asked again one by one.
   */
  private async writeMany(actor: Actor & { kind: 'user' }, batch: BulkItem[], out: Map<string, BulkRegistration>): Promise<boolean> {
    if (batch.length === 0) return false;
    const accepted = batch.map((b) => b.accepted);
    try {
      const holder = await this.hooks.lead?.();
      const sequenced = holder ? (await this.log.sequenceAccepted(accepted, holder)) !== null : false;
      if (!sequenced) await this.repo.insertAcceptedPending(accepted);
      for (const b of batch) out.set(b.workId, { workId: b.workId, registrationId: b.accepted.row.id, existing: false });
      return !sequenced;
    } catch {
      // Nothing of the batch was written (one transaction): most likely an identical request won a
      // race for its key. Each is asked on its own, answering such a request with the winner's registration.
      let leftPending = false;
      for (const b of batch) {
        try {
          const status = await this.accept(actor, { ...b.item, waitMs: 0, again: true, againGeneration: b.accepted.request.generation });
          out.set(b.workId, { workId: b.workId, registrationId: status.registrationId, existing: status.existing ?? false });
          leftPending = true;
        } catch (error) {
          out.set(b.workId, { workId: b.workId, error: error as Error });
        }
      }
      return leftPending;
    }
  }

  /**
   * Registers a document that is not a work, such as an evidence report, by its sha256: the log
   * then proves the document existed no later than the checkpoint that includes it.
   */
  async registerDocument(actor: Actor, sha256: string, options: { waitMs?: number; again?: boolean } = {}): Promise<RegistrationStatus> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw CommonErrors.invalid('a document is registered by its lower-case sha256', { key: 'registry.sha256_invalid' });
    const role = hasRole(actor, ['admin', 'curator']) ? 'institution' : 'right-holder';
    // Documents (evidence reports) are private to their registrant: sealed, like a private work.
    return this.accept(actor, { contentSha256: sha256, role, termsSha256: null, fingerprints: [], workId: null, sealed: true, waitMs: options.waitMs ?? 0, again: options.again ?? false });
  }

  private async accept(actor: Actor & { kind: 'user' }, item: { contentSha256: string; role: RegistrantRole; termsSha256: string | null; fingerprints: string[]; workId: string | null; sealed: boolean; waitMs: number; again: boolean; againGeneration?: number }): Promise<RegistrationStatus> {
    // Nothing enters the log before its origin is settled: this makes the key (or refuses with setup_required).
    await this.log.signer();
    // Idempotent: the same work, file, registrant, role and terms answer with the registration made
    // before (a retried click, a batch run again after a kill), unless `again` asks for one more.
    const requestKey = registrationRequestKey({ workId: item.workId, fileSha256: item.contentSha256, userId: actor.id, role: item.role, termsSha256: item.termsSha256 });
    const generation = await this.generationFor(requestKey, await this.repo.latestRequest(requestKey), item.again, item.againGeneration);
    if (typeof generation === 'string') return this.existing(generation, item.waitMs);
    const { row, request, opening } = await this.prepare((await this.keys.forUser(actor.id)).keyId, actor.id, { ...item, requestKey }, generation);
    const id = row.id;
    if (opening) await this.repo.insertOpening(opening);
    try {
      await this.repo.insertPending(row, request);
    } catch (error) {
      if (opening) await this.repo.deleteOpening(id).catch(() => undefined);
      // An identical request won the race for this (key, generation): answer with its registration.
      const winner = await this.repo.requestAt(requestKey, request.generation).catch(() => undefined);
      if (winner && winner.registration_id !== id) return this.existing(winner.registration_id, item.waitMs);
      throw error;
    }
    this.hooks.onPending?.();
    return item.waitMs ? this.waitFor(id, item.waitMs) : { status: 'pending', registrationId: id };
  }

  /**
   * The generation a request makes, or (a string) the registration that answers it because it was
   * made before: the latest one, unless `again` asks for one more; with `againGeneration`, the one of
   * that generation if made (an "again" that names its generation is idempotent too).
   */
  private async generationFor(requestKey: string, previous: { generation: number; registration_id: string } | undefined, again: boolean, wanted: number | undefined): Promise<number | string> {
    const next = previous ? previous.generation + 1 : 0;
    if (wanted !== undefined) {
      const made = previous?.generation === wanted ? previous : wanted < next ? await this.repo.requestAt(requestKey, wanted) : undefined;
      if (made) return made.registration_id;
      // Generations have no gaps: one far ahead would leave `nextGeneration` and this answer out of step.
      if (wanted !== next) throw CommonErrors.invalid(`generation ${wanted} cannot be registered: the next registration of this request is generation ${next}`, { key: 'registry.generation_invalid', params: { generation: wanted, next } });
    } else if (previous && !again) return previous.registration_id;
    return next;
  }

  /** A new registration's pending row, request and (for a sealed entry) opening, not yet written. */
  private async prepare(registrant: string, userId: string, item: { contentSha256: string; role: RegistrantRole; termsSha256: string | null; fingerprints: string[]; workId: string | null; sealed: boolean; requestKey: string }, generation: number): Promise<AcceptedRegistration> {
    const id = newId();
    // Entry v2: the registration and the work are inside what the log signs, so a receipt cannot be re-labelled.
    const opening: EntryOpening | null = item.sealed ? { salt: encodeHex(nodeCrypto.randomBytes(SALT_BYTES)), contentSha256: item.contentSha256, termsSha256: item.termsSha256, fingerprints: item.fingerprints } : null;
    const entry = new TextDecoder().decode(
      encodeEntry({
        registrationId: id,
        workId: item.workId,
        registrant,
        role: item.role,
        ...(opening
          ? { contentSha256: null, termsSha256: null, fingerprints: [], sealed: await commitmentsOf(nodeCrypto, opening) }
          : { contentSha256: item.contentSha256, termsSha256: item.termsSha256, fingerprints: item.fingerprints }),
        acceptedAt: Math.floor(Date.now() / 1000),
      }),
    );
    const now = new Date().toISOString();
    return {
      row: { id, entry, work_id: item.workId, user_id: userId, created_at: now },
      request: { request_key: item.requestKey, generation, file_sha256: item.contentSha256, role: item.role },
      opening: opening ? { registration_id: id, salt: opening.salt, content_sha256: opening.contentSha256, terms_sha256: opening.termsSha256, fingerprints: JSON.stringify(opening.fingerprints), created_at: now } : null,
    };
  }

  /** What an administrator should know about the log: witnesses (a rollback is visible only to them), size, refused rows. */
  async health(): Promise<RegistryHealth> {
    const witnesses = this.hooks.witnesses ?? { count: 0, quorum: 0 };
    const [state, counts, pending] = await Promise.all([this.repo.state(), this.repo.counts(), this.repo.countPending()]);
    return { witnesses: witnesses.count, quorum: witnesses.quorum, rollbackDetectable: witnesses.count > 0, treeSize: state.size, checkpoints: counts.checkpoints, pending, rejected: counts.rejected, lastCheckpointAt: counts.lastCheckpointAt, oldestPendingAt: counts.oldestPendingAt };
  }

  /** The answer to a repeated request: the registration it made before, marked as existing. */
  private async existing(registrationId: string, waitMs: number): Promise<RegistrationStatus> {
    const status = waitMs ? await this.waitFor(registrationId, waitMs) : await this.status(registrationId);
    return { ...status, existing: true };
  }

  /**
   * Whether `actor` registered the work's current file before, and as which roles: the work page
   * then says "registered" and asks before registering again.
   */
  async registeredByActor(actor: Actor, workId: string): Promise<{ roles: RegistrantRole[]; registrationIds: string[] }> {
    const work = await this.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    if (actor.kind !== 'user' || !work.primary_file_sha256) return { roles: [], registrationIds: [] };
    const mine = (await this.repo.requestsOfWork(workId, actor.id)).filter((r) => r.file_sha256 === work.primary_file_sha256);
    const roles = REGISTRANT_ROLES.filter((role) => mine.some((r) => r.role === role));
    return { roles, registrationIds: mine.map((r) => r.registration_id) };
  }

  /** The registration's receipt once sequenced; pending until then; 404 for unknown ids. */
  async status(registrationId: string, options: { checkpoint?: 'first' | 'latest' } = {}): Promise<RegistrationStatus> {
    // Looked up again after the pending check: the sequencer may have moved it in between.
    const entry = (await this.repo.entryByRegistration(registrationId)) ?? ((await this.repo.pendingById(registrationId)) ? null : await this.repo.entryByRegistration(registrationId));
    if (entry === null) return { status: 'pending', registrationId };
    if (!entry) throw CommonErrors.notFound('registration', { id: registrationId });
    // Until a checkpoint that counts (with a witness quorum, cosigned) covers the entry, it is pending.
    const latest = await this.log.latestCheckpoint();
    const index = Number(entry.idx);
    if (!latest || latest.size <= index) return { status: 'pending', registrationId };
    // The receipt rests on the first such checkpoint, so it reads the same next year; the latest is told apart.
    // (`latest` builds it on the newest checkpoint instead: audits and tests of later tree sizes.)
    const checkpoint = options.checkpoint === 'latest' ? latest : ((await this.log.receiptCheckpoint(index)) ?? latest);
    const decoded = entryOf(entry.entry);
    const opening = decoded?.sealed ? await this.openingOf(registrationId) : null;
    return {
      status: 'sequenced',
      registrationId,
      later: latest.size > checkpoint.size ? { treeSize: latest.size, rootHashHex: Buffer.from(latest.rootHash, 'base64').toString('hex'), consistencyBundle: `/api/registry/consistency-bundle?from=${checkpoint.size}` } : null,
      receipt: {
        type: 'wenyuan.registry.receipt/v1',
        registrationId,
        log: { origin: await this.log.origin(), verifierKey: await this.log.verifierKey() },
        entry: entry.entry,
        index,
        treeSize: Number(checkpoint.size),
        proof: await this.log.tlogProof(index, entry.entry, { size: Number(checkpoint.size), note: checkpoint.note }),
        // Version 2 entries name their work inside what the log signs: that, not the row, is what the receipt says.
        work: { id: decoded?.version === 2 ? decoded.workId : entry.work_id },
        ...(opening ? { opening } : {}),
      },
    };
  }

  /** The opening of a sealed entry (salt and committed values), as receipts carry it. */
  private async openingOf(registrationId: string): Promise<EntryOpening | null> {
    const row = await this.repo.openingOf(registrationId);
    return row ? { salt: row.salt, contentSha256: row.content_sha256, termsSha256: row.terms_sha256, fingerprints: JSON.parse(row.fingerprints) as string[] } : null;
  }

  /**
   * Who may see a registration at all: the readers of its work (by the work the signed entry names,
   * not the row, which a database edit could point elsewhere); for a document, or a work that is
   * gone, its registrant and staff. Others are told to sign in (anonymous) or that it does not exist.
   */
  private async requireAccess(actor: Actor, registrationId: string): Promise<{ workId: string | null; manages: boolean }> {
    const row = (await this.repo.entryByRegistration(registrationId)) ?? (await this.repo.pendingById(registrationId));
    if (!row) throw CommonErrors.notFound('registration', { id: registrationId });
    const decoded = entryOf(row.entry);
    const workId = decoded?.version === 2 ? decoded.workId : row.work_id;
    const work = workId ? await this.works.findById(workId) : undefined;
    const staff = actor.kind === 'user' && hasRole(actor, ['admin', 'curator']);
    const registrant = actor.kind === 'user' && row.user_id === actor.id;
    const manages = staff || registrant || (actor.kind === 'user' && !!work && work.owner_id === actor.id);
    if (work ? canReadWork(actor, work) : manages) return { workId: work ? workId : null, manages };
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    throw CommonErrors.notFound('registration', { id: registrationId });
  }

  /**
   * The status as `actor` may see it: a receipt names the content hash of its work, so it is shown
   * only to those who may read that work (anonymous readers of a private one are asked to sign in,
   * others get the answer of an unknown id).
   */
  async statusFor(actor: Actor, registrationId: string): Promise<RegistrationStatus> {
    const access = await this.requireAccess(actor, registrationId);
    const status = await this.status(registrationId);
    // The opening reveals the sealed hashes: to those who manage the registration, and to the work's
    // readers (everyone, once it is public) while the sealed file is still one of the work's files,
    // whose hash the work's page shows them anyway. An old file the work no longer holds stays sealed.
    if (status.status === 'sequenced' && status.receipt.opening && !access.manages) {
      const files = access.workId ? await this.works.filesOf([access.workId]) : [];
      if (!files.some((f) => f.sha256 === status.receipt.opening!.contentSha256)) {
        const { opening: _hidden, ...receipt } = status.receipt;
        return { ...status, receipt };
      }
    }
    return status;
  }

  /** Registrations of a work that the actor may read, newest first. */
  async registrationsOfWork(actor: Actor, workId: string): Promise<RegistrationSummary[]> {
    const work = await this.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    return (await this.repo.entriesOfWork(workId)).reverse().map((e) => ({ registrationId: e.registration_id, index: Number(e.idx), sequencedAt: e.sequenced_at }));
  }

  /** Sequences what is pending and wakes callers waiting for their receipts. */
  async sequencePending(keepGoing?: () => Promise<boolean>): Promise<number> {
    const count = await this.log.drain(keepGoing);
    this.wake();
    return count;
  }

  /** Wakes callers waiting for their receipts (something was sequenced). */
  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async waitFor(id: string, waitMs: number): Promise<RegistrationStatus> {
    const deadline = Date.now() + Math.min(waitMs, 30_000);
    for (;;) {
      const status = await this.status(id);
      if (status.status === 'sequenced' || Date.now() >= deadline) return status;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(250, Math.max(1, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** The decoded entry, or null when the stored text is not a valid entry (the audit reports that). */
function entryOf(text: string): RegistryEntry | null {
  try {
    return decodeEntry(new TextEncoder().encode(text));
  } catch {
    return null;
  }
}
