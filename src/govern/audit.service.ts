import { createHmac } from 'node:crypto';
import { anchorDocument, canonicalDetails, ChainVerifier, type AuditAction, type AuditDetails, type AuditOutcome, type AuditRecord, type ChainBreak } from './audit-chain.js';
import { fromRow, type AuditFilter, type AuditRepository } from './audit.repository.js';
import type { Actor } from './roles.js';

/** What a module records: the action, who did it to what, and how it went. */
export interface AuditEntry {
  /** A user id, 'anonymous' or 'system' (see `auditActor`). */
  actor: string;
  action: AuditAction;
  target: { type: string; id: string };
  outcome?: AuditOutcome;
  /** Ids and codes only, never names or free text about a person. */
  details?: AuditDetails;
  /** The client's address; stored only as a keyed pseudonym. */
  ip?: string;
}

/**
 * The narrow port modules record through. `record` resolves once the record is committed and
 * rejects when it could not be: callers await it where an unrecorded action is worse than a failed
 * request (sign-in, role and token changes, settings). `note` records without waiting and only
 * logs a failure: for actions that happened anyway and must not fail for want of a record.
 */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
  note(entry: AuditEntry): void;
}

/** The audit actor of a request's actor. */
export function auditActor(actor: Actor): string {
  return actor.kind === 'user' ? actor.id : 'anonymous';
}

export interface AuditVerifyReport {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  from: number;
  firstBreak: ChainBreak | null;
  anchor:
    | { status: 'none' }
    | { status: 'matches' | 'mismatch' | 'not_in_log'; seq: number; registrationId: string; message: string };
}

/** Confirms the transparency log holds `documentSha256` as registration `registrationId` (null: cannot tell). */
export type AnchorCheck = (registrationId: string, documentSha256: string) => Promise<boolean | null>;

const PAGE = 10_000;
const MAX_BATCH = 5_000;

interface Waiting {
  entry: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The audit trail: an in-process appender that group-commits records (everything that arrived while
 * the last transaction ran goes into the next one), listing, export and the chain check.
 */
export class AuditTrail implements AuditRecorder {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  private anchorCheck: AnchorCheck | null = null;

  constructor(
    private readonly repo: AuditRepository,
    private readonly options: { pseudonymise: (ip: string) => string; onError?: (error: unknown) => void },
  ) {}

  record(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        entry: {
          at: new Date().toISOString(),
          actor: entry.actor,
          action: entry.action,
          targetType: entry.target.type,
          targetId: entry.target.id,
          outcome: entry.outcome ?? 'ok',
          details: canonicalDetails(entry.details),
          ip: entry.ip ? this.options.pseudonymise(entry.ip) : '',
        },
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  note(entry: AuditEntry): void {
    this.record(entry).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Waits until every record asked for so far is committed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      this.schedule();
      await this.flushing;
    }
  }

  private schedule(): void {
    if (this.flushing) return;
    // setImmediate: the records of one tick (a burst) share the first transaction.
    this.flushing = new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.repo.append(batch.map((w) => w.entry), new Date().toISOString());
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /** The chain's head (last seq and hash), for anchoring in the transparency log. */
  head(): Promise<{ seq: number; hash: string }> {
    return this.repo.head();
  }

  /** Newest first; `before` is the seq the next page starts below. */
  async list(filter: AuditFilter, limit: number): Promise<{ items: AuditRecord[]; next: number | null }> {
    const rows = await this.repo.list(filter, limit + 1);
    const items = rows.slice(0, limit).map(fromRow);
    return { items, next: rows.length > limit ? items[items.length - 1]!.seq : null };
  }

  /** Every record matching the filter, newest first, a page at a time. */
  async *each(filter: AuditFilter): AsyncGenerator<AuditRecord> {
    let before = filter.before;
    for (;;) {
      const page = await this.list({ ...filter, ...(before !== undefined ? { before } : {}) }, 1000);
      yield* page.items;
      if (page.next === null) return;
      before = page.next;
    }
  }

  /** Lets the module above that owns the transparency log confirm anchors (app wiring). */
  setAnchorCheck(check: AnchorCheck): void {
    this.anchorCheck = check;
  }

  /** Notes that the head `seq`/`hash` was registered in the transparency log as `registrationId`. */
  async recordAnchor(head: { seq: number; hash: string }, registrationId: string): Promise<void> {
    await this.repo.insertAnchor({ seq: head.seq, hash: head.hash, document_sha256: anchorDocument(head.seq, head.hash), registration_id: registrationId, created_at: new Date().toISOString() });
  }

  /** The newest anchor, if any. */
  async latestAnchor(): Promise<{ seq: number; hash: string; registrationId: string } | null> {
    const row = await this.repo.latestAnchor();
    return row ? { seq: Number(row.seq), hash: row.hash, registrationId: row.registration_id } : null;
  }

  /**
   * Recomputes the chain from `from` (default 1) to the head in pages of 10,000 and names the first
   * broken record; then checks the newest anchor still matches the record it covers (a chain
   * rewritten from some record on, hashes and all, passes the first check but not this one).
   */
  async verify(options: { from?: number; onProgress?: (checked: number) => void } = {}): Promise<AuditVerifyReport> {
    const head = await this.repo.head();
    const from = Math.max(1, options.from ?? 1);
    let start = { seq: 0, hash: '0'.repeat(64) };
    if (from > 1) {
      const before = await this.repo.recordAt(from - 1);
      start = before ? { seq: Number(before.seq), hash: before.hash } : { seq: from - 1, hash: '' };
    }
    const verifier = new ChainVerifier(start);
    let firstBreak: ChainBreak | null = null;
    scan: for await (const rows of this.repo.records(start.seq, head.seq, PAGE)) {
      for (const row of rows) {
        firstBreak = verifier.push(fromRow(row));
        if (firstBreak) break scan;
      }
      options.onProgress?.(verifier.progress.checked);
    }
    firstBreak ??= verifier.finish(head);
    const anchor = await this.checkAnchor();
    return { ok: !firstBreak && anchor.status !== 'mismatch' && anchor.status !== 'not_in_log', checked: verifier.progress.checked, head, from, firstBreak, anchor };
  }

  private async checkAnchor(): Promise<AuditVerifyReport['anchor']> {
    const anchor = await this.repo.latestAnchor();
    if (!anchor) return { status: 'none' };
    const seq = Number(anchor.seq);
    const base = { seq, registrationId: anchor.registration_id };
    const row = await this.repo.recordAt(seq);
    if (!row || row.hash !== anchor.hash || anchorDocument(seq, anchor.hash) !== anchor.document_sha256) {
      return { ...base, status: 'mismatch', message: `the chain up to record ${seq} no longer matches what registration ${anchor.registration_id} anchored` };
    }
    const inLog = this.anchorCheck ? await this.anchorCheck(anchor.registration_id, anchor.document_sha256) : null;
    if (inLog === false) return { ...base, status: 'not_in_log', message: `registration ${anchor.registration_id} in the transparency log does not hold the head of record ${seq}` };
    return { ...base, status: 'matches', message: `the chain up to record ${seq} is anchored by registration ${anchor.registration_id}` };
  }
}

/** A keyed pseudonym of an address: the same address gives the same value, which says nothing without the key. */
export function ipPseudonymiser(key: Buffer): (ip: string) => string {
  return (ip) => createHmac('sha256', key).update(ip).digest('hex').slice(0, 32);
}
