import { hash } from 'node:crypto';

/**
 * The audit trail's chain, pure: what a record's hash covers and how a run of records is checked.
 * Each hash covers every field of its record and the hash before it, so editing a row changes its
 * hash, removing one leaves a gap in `seq`, and moving one breaks the `prev_hash` of its neighbours.
 * Personal data stays out of the hashed payload (user ids, not names; pseudonymised addresses), so
 * erasing a person deletes their user row and the chain still verifies.
 */

/** The closed list of what is recorded. Adding a code is fine; renaming one breaks old records' meaning, never their hashes. */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.password_change',
  'auth.passkey_add',
  'auth.passkey_remove',
  'auth.two_factor_reset',
  'user.create',
  'user.role_change',
  'user.disable',
  'user.enable',
  'user.erase',
  'token.create',
  'token.revoke',
  'work_visibility.change',
  'export.bag',
  'settings.change',
  'key.use',
  'review.decision',
  'review.submit',
  'review.claim',
  'review.appeal',
  'review.report',
  'review.case_decision',
  'grant.revoke',
  'settlement.run',
  'consent.change',
  'export.personal',
  'data_class.change',
  'data_transfer.decision',
  'transfer_assessment.decision',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acted: a user id, or one of these for nobody signed in and the instance itself. */
export type AuditActor = string | 'anonymous' | 'system';

/** A record as stored: `details` is the canonical JSON text the hash covers. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  outcome: string;
  details: string;
  ip: string;
  prevHash: string;
  hash: string;
}

export type AuditDetails = Record<string, string | number | boolean | null>;

/** The `prev_hash` of record 1. */
export const GENESIS_HASH = '0'.repeat(64);
const DOMAIN = 'wenyuan.audit/v1\n';
const ANCHOR_DOMAIN = 'wenyuan.audit-head/v1\n';

/** JSON with sorted keys, so the same details always hash the same. */
export function canonicalDetails(details: AuditDetails | undefined): string {
  if (!details) return '{}';
  const sorted: AuditDetails = {};
  for (const key of Object.keys(details).sort()) if (details[key] !== undefined) sorted[key] = details[key]!;
  return JSON.stringify(sorted);
}

/** SHA-256 (hex) over the domain tag and a JSON array of every field but the hash itself. */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const payload = JSON.stringify([record.seq, record.at, record.actor, record.action, record.targetType, record.targetId, record.outcome, record.details, record.ip, record.prevHash]);
  // One-shot hash(): half the cost of createHash() per record, which verify's 1,000,000 records feel.
  return hash('sha256', DOMAIN + payload, 'hex');
}

/** Links a new record after `prev` (the head): its seq, prev hash and hash. */
export function chainRecord(prev: { seq: number; hash: string }, fields: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>): AuditRecord {
  const unhashed = { ...fields, seq: prev.seq + 1, prevHash: prev.hash };
  return { ...unhashed, hash: hashAuditRecord(unhashed) };
}

/** The document registered in the transparency log for a head: sha256 of the tag, seq and hash (hex). */
export function anchorDocument(seq: number, headHash: string): string {
  return hash('sha256', `${ANCHOR_DOMAIN}${seq}\n${headHash}`, 'hex');
}

export type ChainBreak =
  | { seq: number; reason: 'hash_mismatch'; message: string }
  | { seq: number; reason: 'prev_mismatch'; message: string }
  | { seq: number; reason: 'missing'; message: string }
  | { seq: number; reason: 'out_of_order'; message: string };

/**
 * Checks records fed in seq order, one page at a time (a million rows never sit in memory): the
 * first break it finds is kept and named; later records are not checked against a broken chain.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private broken: ChainBreak | null = null;
  private count = 0;

  /** Starts after `from` (seq 0 and the genesis hash for the whole chain). */
  constructor(from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.expectedSeq = from.seq + 1;
    this.prevHash = from.hash;
  }

  /** Checks the next record; returns the first break (this one or an earlier one), or null. */
  push(record: AuditRecord): ChainBreak | null {
    if (this.broken) return this.broken;
    this.count++;
    if (record.seq < this.expectedSeq) {
      this.broken = { seq: record.seq, reason: 'out_of_order', message: `record ${record.seq} comes after record ${this.expectedSeq - 1}` };
    } else if (record.seq > this.expectedSeq) {
      const last = record.seq - 1;
      const missing = last === this.expectedSeq ? `record ${this.expectedSeq} is missing` : `records ${this.expectedSeq}–${last} are missing`;
      this.broken = { seq: this.expectedSeq, reason: 'missing', message: missing };
    } else if (hashAuditRecord(record) !== record.hash) {
      this.broken = { seq: record.seq, reason: 'hash_mismatch', message: `record ${record.seq} was changed: its content does not match its hash` };
    } else if (record.prevHash !== this.prevHash) {
      this.broken = { seq: record.seq, reason: 'prev_mismatch', message: `record ${record.seq} does not follow record ${record.seq - 1}: the record before it was changed, replaced or inserted` };
    } else {
      this.expectedSeq++;
      this.prevHash = record.hash;
    }
    return this.broken;
  }

  /** After the last record: checks the chain reaches the head the state row names (a removed tail). */
  finish(head: { seq: number; hash: string } | null): ChainBreak | null {
    if (this.broken || !head) return this.broken;
    const last = this.expectedSeq - 1;
    if (head.seq > last) this.broken = { seq: last + 1, reason: 'missing', message: last + 1 === head.seq ? `record ${head.seq} is missing` : `records ${last + 1}–${head.seq} are missing` };
    else if (head.seq === last && head.hash !== this.prevHash) this.broken = { seq: last, reason: 'hash_mismatch', message: `record ${last} does not match the head of the chain` };
    return this.broken;
  }

  /** How many records were checked, and the last good head. */
  get progress(): { checked: number; seq: number; hash: string } {
    return { checked: this.count, seq: this.expectedSeq - 1, hash: this.prevHash };
  }
}
