import type { WorkReader } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { canReadWork, hasRole } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { encodeEntry, REGISTRANT_ROLES, type RegistrantRole } from './entry.js';
import type { RegistrantKeys } from './registrant-keys.js';
import type { RegistryRepository } from './registry.repository.js';
import type { Receipt, RegistrationStatus, RegistrationSummary } from './registry.contract.js';
import type { TransparencyLog } from './transparency-log.js';

export type { Receipt, RegistrationStatus, RegistrationSummary };

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
    } = {},
  ) {}

  /**
   * Accepts a registration of a work's primary file. Owners register as author or right holder;
   * admins and curators may also register on behalf of the institution. The registration is
   * durable once this returns (pending); `waitMs` waits for it to be sequenced into a checkpoint.
   */
  async register(actor: Actor, workId: string, options: { role?: RegistrantRole; termsSha256?: string | null; waitMs?: number } = {}): Promise<RegistrationStatus> {
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
    return this.accept(actor, {
      contentSha256: work.primary_file_sha256,
      role,
      termsSha256: options.termsSha256 ?? null,
      fingerprints: (await this.hooks.fingerprintsOf?.(work.primary_file_sha256)) ?? [],
      workId,
      waitMs: options.waitMs ?? 0,
    });
  }

  /**
   * Registers a document that is not a work, such as an evidence report, by its sha256: the log
   * then proves the document existed no later than the checkpoint that includes it.
   */
  async registerDocument(actor: Actor, sha256: string, options: { waitMs?: number } = {}): Promise<RegistrationStatus> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw CommonErrors.invalid('a document is registered by its lower-case sha256', { key: 'registry.sha256_invalid' });
    const role = hasRole(actor, ['admin', 'curator']) ? 'institution' : 'right-holder';
    return this.accept(actor, { contentSha256: sha256, role, termsSha256: null, fingerprints: [], workId: null, waitMs: options.waitMs ?? 0 });
  }

  private async accept(actor: Actor & { kind: 'user' }, item: { contentSha256: string; role: RegistrantRole; termsSha256: string | null; fingerprints: string[]; workId: string | null; waitMs: number }): Promise<RegistrationStatus> {
    // Nothing enters the log before its origin is settled: this makes the key (or refuses with setup_required).
    await this.log.signer();
    const key = await this.keys.forUser(actor.id);
    const entry = new TextDecoder().decode(
      encodeEntry({
        contentSha256: item.contentSha256,
        registrant: key.keyId,
        role: item.role,
        termsSha256: item.termsSha256,
        fingerprints: item.fingerprints,
        acceptedAt: Math.floor(Date.now() / 1000),
      }),
    );
    const id = newId();
    await this.repo.insertPending({ id, entry, work_id: item.workId, user_id: actor.id, created_at: new Date().toISOString() });
    this.hooks.onPending?.();
    return item.waitMs ? this.waitFor(id, item.waitMs) : { status: 'pending', registrationId: id };
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
        work: { id: entry.work_id },
      },
    };
  }

  /**
   * The status as `actor` may see it: a receipt names the content hash of its work, so it is shown
   * only to those who may read that work (a private work's receipt answers like an unknown id).
   */
  async statusFor(actor: Actor, registrationId: string): Promise<RegistrationStatus> {
    const status = await this.status(registrationId);
    if (status.status === 'sequenced' && status.receipt.work.id) {
      const work = await this.works.findById(status.receipt.work.id);
      if (work && !canReadWork(actor, work)) throw CommonErrors.notFound('registration', { id: registrationId });
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
  async sequencePending(): Promise<number> {
    const count = await this.log.drain();
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
