import type { WorkReader } from '../archive/work.repository.js';
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
import type { RegistryRepository } from './registry.repository.js';
import type { Receipt, RegistrationStatus, RegistrationSummary, RegistryHealth } from './registry.contract.js';
import type { TransparencyLog } from './transparency-log.js';

export type { Receipt, RegistrationStatus, RegistrationSummary };

/** What a registration request is for, besides the work and the registrant (their idempotency key). */
export interface RegisterOptions {
  role?: RegistrantRole;
  termsSha256?: string | null;
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
      /** Perceptual fingerprint lines (`pdq:…`, `iscc:…`) of a stored file, for its entry. */
      fingerprintsOf?: (sha256: string) => Promise<string[]>;
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
      fingerprints: (await this.hooks.fingerprintsOf?.(request.contentSha256)) ?? [],
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
  private async workRequest(actor: Actor, workId: string, options: RegisterOptions): Promise<{ actor: Actor & { kind: 'user' }; contentSha256: string; role: RegistrantRole; termsSha256: string | null; sealed: boolean; requestKey: string }> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const work = await this.works.findById(workId);
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
    const previous = await this.repo.latestRequest(requestKey);
    const next = previous ? previous.generation + 1 : 0;
    const wanted = item.againGeneration;
    if (wanted !== undefined) {
      // An "again" that names its generation is idempotent too: asked once more (after a kill), it finds the one it made.
      const made = previous?.generation === wanted ? previous : wanted < next ? await this.repo.requestAt(requestKey, wanted) : undefined;
      if (made) return this.existing(made.registration_id, item.waitMs);
      // Generations have no gaps: one far ahead would leave `nextGeneration` and this answer out of step.
      if (wanted !== next) throw CommonErrors.invalid(`generation ${wanted} cannot be registered: the next registration of this request is generation ${next}`, { key: 'registry.generation_invalid', params: { generation: wanted, next } });
    } else if (previous && !item.again) return this.existing(previous.registration_id, item.waitMs);
    const request = { request_key: requestKey, generation: next, file_sha256: item.contentSha256, role: item.role };
    const key = await this.keys.forUser(actor.id);
    const id = newId();
    // Entry v2: the registration and the work are inside what the log signs, so a receipt cannot be re-labelled.
    const opening: EntryOpening | null = item.sealed ? { salt: encodeHex(nodeCrypto.randomBytes(SALT_BYTES)), contentSha256: item.contentSha256, termsSha256: item.termsSha256, fingerprints: item.fingerprints } : null;
    const entry = new TextDecoder().decode(
      encodeEntry({
        registrationId: id,
        workId: item.workId,
        registrant: key.keyId,
        role: item.role,
        ...(opening
          ? { contentSha256: null, termsSha256: null, fingerprints: [], sealed: await commitmentsOf(nodeCrypto, opening) }
          : { contentSha256: item.contentSha256, termsSha256: item.termsSha256, fingerprints: item.fingerprints }),
        acceptedAt: Math.floor(Date.now() / 1000),
      }),
    );
    if (opening) {
      await this.repo.insertOpening({ registration_id: id, salt: opening.salt, content_sha256: opening.contentSha256, terms_sha256: opening.termsSha256, fingerprints: JSON.stringify(opening.fingerprints), created_at: new Date().toISOString() });
    }
    try {
      await this.repo.insertPending({ id, entry, work_id: item.workId, user_id: actor.id, created_at: new Date().toISOString() }, request);
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
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return count;
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
