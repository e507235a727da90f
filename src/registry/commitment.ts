/**
 * Salted commitments for the hashes of private works (entry v2): the log holds
 * SHA-256("wenyuan.registry.commit/v1" ‖ 0x00 ‖ field ‖ 0x00 ‖ salt ‖ value) instead of the value, so
 * a reader of the public log who holds a copy of the file cannot confirm that it was registered,
 * while whoever holds the salt (the receipt, the database) can open it. A fresh 32-byte salt per
 * entry makes the commitment hiding; SHA-256's collision resistance makes it binding. Pure: the
 * SHA-256 comes from the caller's CryptoProvider, so the browser verifier computes it too.
 */
import { encodeHex } from './base64.js';
import { FINGERPRINT_PATTERN, MAX_FINGERPRINTS } from './entry.js';
import type { CryptoProvider } from './signed-note.js';

export const COMMITMENT_DOMAIN = 'wenyuan.registry.commit/v1';
export const SALT_BYTES = 32;
export const COMMITTED_FIELDS = ['content', 'terms', 'fingerprints'] as const;
export type CommittedField = (typeof COMMITTED_FIELDS)[number];

/** What a sealed entry commits to, and the salt that opens it (kept in the receipt and the database, never in the log). */
export interface EntryOpening {
  /** 32 random bytes, lower-case hex. */
  salt: string;
  contentSha256: string;
  /** null when the entry says `terms none`. */
  termsSha256: string | null;
  /** The fingerprint lines (`pdq:…`, `iscc:…`), in entry order; committed as one value joined by newlines. */
  fingerprints: string[];
}

/** The commitments (lower-case hex) a sealed entry carries. */
export interface EntryCommitments {
  content: string;
  /** null for `terms none`. */
  terms: string | null;
  fingerprints: string;
}

/** The commitment to one field's value under `salt` (32 bytes), lower-case hex. */
export async function commitTo(crypto: Pick<CryptoProvider, 'sha256'>, salt: Uint8Array, field: CommittedField, value: string): Promise<string> {
  if (salt.length !== SALT_BYTES) throw new Error(`a commitment salt is ${SALT_BYTES} bytes, not ${salt.length}`);
  const text = new TextEncoder();
  const head = text.encode(`${COMMITMENT_DOMAIN}\u0000${field}\u0000`);
  const tail = text.encode(value);
  const message = new Uint8Array(head.length + salt.length + tail.length);
  message.set(head, 0);
  message.set(salt, head.length);
  message.set(tail, head.length + salt.length);
  return encodeHex(await crypto.sha256(message));
}

/** The salt of an opening as bytes, or null when it is not 64 lower-case hex digits. */
export function saltBytes(opening: Pick<EntryOpening, 'salt'>): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/.test(opening.salt)) return null;
  return Uint8Array.from(opening.salt.match(/../g)!, (h) => parseInt(h, 16));
}

/** Every commitment of an opening. */
export async function commitmentsOf(crypto: Pick<CryptoProvider, 'sha256'>, opening: EntryOpening): Promise<EntryCommitments> {
  const salt = saltBytes(opening);
  if (!salt) throw new Error('the salt must be 64 lower-case hex digits');
  return {
    content: await commitTo(crypto, salt, 'content', opening.contentSha256),
    terms: opening.termsSha256 === null ? null : await commitTo(crypto, salt, 'terms', opening.termsSha256),
    fingerprints: await commitTo(crypto, salt, 'fingerprints', opening.fingerprints.join('\n')),
  };
}

/**
 * Whether `opening` opens `sealed`: null when it does, else the first field that does not match
 * (or a sentence on a malformed opening).
 */
export async function openingMismatch(crypto: Pick<CryptoProvider, 'sha256'>, sealed: EntryCommitments, opening: EntryOpening): Promise<string | null> {
  if (!saltBytes(opening)) return 'the salt is not 64 lower-case hex digits';
  if (!/^[0-9a-f]{64}$/.test(opening.contentSha256)) return 'the opened content is not a lower-case sha256 hex digest';
  if (opening.termsSha256 !== null && !/^[0-9a-f]{64}$/.test(opening.termsSha256)) return 'the opened terms are not a lower-case sha256 hex digest';
  // Lines are joined by newlines, so each must be a well-formed fingerprint (no newline inside).
  if (!Array.isArray(opening.fingerprints) || opening.fingerprints.length > MAX_FINGERPRINTS || !opening.fingerprints.every((f) => typeof f === 'string' && FINGERPRINT_PATTERN.test(f))) return 'the opened fingerprints are not <kind>:<code> lines';
  if ((sealed.terms === null) !== (opening.termsSha256 === null)) return sealed.terms === null ? 'the entry says terms none, the opening names terms' : 'the entry commits to terms, the opening has none';
  const opened = await commitmentsOf(crypto, opening);
  if (opened.content !== sealed.content) return 'content';
  if (opened.terms !== sealed.terms) return 'terms';
  if (opened.fingerprints !== sealed.fingerprints) return 'fingerprints';
  return null;
}
