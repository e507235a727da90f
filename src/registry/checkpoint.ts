/**
 * Transparency-log checkpoints (c2sp.org/tlog-checkpoint@v1): a signed note whose text is the
 * origin line, the decimal tree size, the base64 root hash and optional extension lines.
 *
 * Bounds beyond the spec: origin at most 255 UTF-8 bytes (as torchwood, and what ML-DSA
 * cosignatures can carry) and tree size at most 2^53 - 1 (JavaScript numbers).
 */
import type { ErrorOptions } from '../platform/errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { RegistryErrorKey } from './registry.errors.js';
import {
  MAX_NOTE_BYTES, TlogError, readText, signNote, utf8, verifyNote,
  type NoteSignature, type NoteSigner, type NoteVerifier,
} from './signed-note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  /** The RFC 6962 Merkle tree root, 32 bytes. */
  rootHash: Uint8Array;
  /** Opaque, non-empty lines after the root hash (NOT RECOMMENDED by the spec; ours are empty). */
  extensions: string[];
}

export const MAX_ORIGIN_BYTES = 255;
/** Root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT = Uint8Array.from(
  [0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55]);

const malformed = <K extends RegistryErrorKey>(message: string, options: ErrorOptions<K>) => new TlogError('checkpoint_malformed', message, options);

/** Parses a decimal count with no leading zeros (`0` alone is zero) up to 2^53 - 1; undefined otherwise. */
export function parseDecimal(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkOrigin(origin: string): void {
  if (origin === '') throw malformed('checkpoint origin line is empty', { key: 'tlog.checkpoint_origin_empty' });
  if (utf8(origin).length > MAX_ORIGIN_BYTES) throw malformed(`checkpoint origin is longer than ${MAX_ORIGIN_BYTES} bytes`, { key: 'tlog.checkpoint_origin_too_long', params: { max: MAX_ORIGIN_BYTES } });
}

/** Parses checkpoint note text (without signatures) strictly: exactly one text has a given meaning. */
export function parseCheckpoint(text: string): Checkpoint {
  readText(text, 'checkpoint', MAX_NOTE_BYTES, 'checkpoint_malformed');
  if (!text.endsWith('\n')) throw malformed('checkpoint must end with a newline', { key: 'tlog.no_final_newline', params: { what: 'checkpoint' } });
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('checkpoint needs at least three lines: origin, tree size and root hash', { key: 'tlog.checkpoint_too_few_lines' });
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  checkOrigin(origin);
  const size = parseDecimal(sizeLine);
  if (size === undefined) {
    throw /^(0|[1-9][0-9]*)$/.test(sizeLine)
      ? malformed(`checkpoint tree size ${sizeLine} is larger than 2^53 - 1`, { key: 'tlog.checkpoint_size_too_large', params: { size: sizeLine } })
      : malformed(`checkpoint tree size "${sizeLine}" must be a decimal number without leading zeros`, { key: 'tlog.checkpoint_size_format', params: { size: sizeLine } });
  }
  const rootHash = decodeBase64(rootLine);
  if (!rootHash || rootHash.length !== 32) throw malformed('checkpoint root hash must be the canonical base64 of 32 bytes', { key: 'tlog.checkpoint_root_hash' });
  const empty = extensions.indexOf('');
  if (empty >= 0) throw malformed(`checkpoint extension line ${empty + 1} is empty`, { key: 'tlog.checkpoint_extension_empty', params: { line: empty + 1 } });
  return { origin, size, rootHash, extensions };
}

/** Formats checkpoint note text; rejects values parseCheckpoint would not read back identically. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (origin.includes('\n')) throw malformed('checkpoint origin must be one line', { key: 'tlog.checkpoint_origin_multiline' });
  checkOrigin(origin);
  if (!Number.isSafeInteger(size) || size < 0) throw malformed(`checkpoint tree size ${size} must be a whole number from 0 to 2^53 - 1`, { key: 'tlog.checkpoint_size_invalid', params: { size } });
  if (rootHash.length !== 32) throw malformed(`checkpoint root hash must be 32 bytes, not ${rootHash.length}`, { key: 'tlog.checkpoint_root_hash_length', params: { length: rootHash.length } });
  extensions.forEach((line, i) => {
    if (line === '' || line.includes('\n')) throw malformed(`checkpoint extension line ${i + 1} must be one non-empty line`, { key: 'tlog.checkpoint_extension_invalid', params: { line: i + 1 } });
  });
  const text = [origin, String(size), encodeBase64(rootHash), ...extensions].join('\n') + '\n';
  parseCheckpoint(text); // character rules (CR, control characters) and the size limit
  return text;
}

/**
 * Signs a checkpoint as the log. The key name must equal the origin (the spec's SHOULD, made a
 * rule for our logs), and an empty tree must carry the empty-tree root.
 */
export async function signCheckpoint(checkpoint: Checkpoint, logSigner: NoteSigner): Promise<string> {
  const text = formatCheckpoint(checkpoint);
  if (logSigner.name !== checkpoint.origin) {
    throw malformed(`log key name ${logSigner.name} does not match the checkpoint origin ${checkpoint.origin}`, { key: 'tlog.checkpoint_key_origin', params: { name: logSigner.name, origin: checkpoint.origin } });
  }
  if (checkpoint.size === 0 && !sameBytes(checkpoint.rootHash, EMPTY_TREE_ROOT)) {
    throw malformed('a checkpoint of size 0 must carry the empty-tree root (SHA-256 of the empty string)', { key: 'tlog.checkpoint_empty_root' });
  }
  return signNote(text, [logSigner]);
}

export interface OpenedCheckpoint extends Checkpoint {
  /** The signed checkpoint text (note body). */
  text: string;
  /** Every signature line, in order, known or not: re-serve these to keep witnesses' cosignatures. */
  signatures: NoteSignature[];
  /** The signatures by the given keys (log and witnesses), all verified. */
  verified: NoteSignature[];
}

/**
 * Verifies a signed checkpoint with the log's key(s) (several during a key rotation) and parses
 * it; the origin must be `options.origin`, by default the log key's name. Signatures by
 * `options.witnesses` (or any other known keys) must verify too when present, but are not required.
 */
export async function openCheckpoint(
  note: string | Uint8Array, logVerifier: NoteVerifier | readonly NoteVerifier[],
  options: { origin?: string; witnesses?: readonly NoteVerifier[] } = {},
): Promise<OpenedCheckpoint> {
  const logs = Array.isArray(logVerifier) ? logVerifier : [logVerifier as NoteVerifier];
  const origin = options.origin ?? logs[0]?.name;
  const opened = await verifyNote(note, [...logs, ...(options.witnesses ?? [])], {
    requireAny: logs.map((v) => v.name), role: 'log',
  });
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin) {
    throw new TlogError('checkpoint_wrong_origin', `checkpoint origin ${checkpoint.origin} is not the expected ${origin}`, { key: 'tlog.checkpoint_wrong_origin', params: { origin: checkpoint.origin, expected: String(origin) } });
  }
  return { ...checkpoint, text: opened.text, signatures: opened.signatures, verified: opened.verified };
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
