/**
 * Transparency-log proofs (c2sp.org/tlog-proof@v1, "spicy signatures"): an offline-verifiable
 * bundle of an optional `extra` line, the entry index, its RFC 6962 inclusion proof and the
 * (cosigned) checkpoint, verbatim:
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>          (optional, unauthenticated)
 *     index <decimal>
 *     <base64 hash>           (0 to 64 lines, leaf's sibling first)
 *
 *     <signed checkpoint note>
 */
import { keyOf, type ErrorOptions } from '../platform/errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { RegistryErrorKey } from './registry.errors.js';
import { openCheckpoint, parseCheckpoint, parseDecimal } from './checkpoint.js';
import { verifyCosignedCheckpoint, type CosignedCheckpoint, type WitnessPolicy } from './cosignature.js';
import { MAX_NOTE_BYTES, TlogError, parseNote, readText, type NoteVerifier } from './signed-note.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
export const MAX_INCLUSION_PROOF_HASHES = 64;
export const MAX_EXTRA_BYTES = 65_536;
/** Header, the largest extra line, index, proof lines, blank line and the largest note. */
export const MAX_TLOG_PROOF_BYTES =
  TLOG_PROOF_HEADER.length + 1 + 'extra '.length + Math.ceil(MAX_EXTRA_BYTES / 3) * 4 + 1 +
  'index '.length + 16 + 1 + MAX_INCLUSION_PROOF_HASHES * 45 + 1 + MAX_NOTE_BYTES;

export interface TlogProof {
  /** Opaque application data; not authenticated by anything in the proof. */
  extra?: Uint8Array;
  index: number;
  /** RFC 6962 inclusion proof hashes (32 bytes each), from the leaf's sibling up. */
  inclusionProof: Uint8Array[];
  /** The signed checkpoint note, verbatim (signatures included). */
  checkpoint: string;
}

const malformed = <K extends RegistryErrorKey>(message: string, options: ErrorOptions<K>) => new TlogError('tlog_proof_malformed', message, options);

function checkCheckpointNote(note: string): void {
  try {
    parseCheckpoint(parseNote(note).text);
  } catch (error) {
    if (error instanceof TlogError) throw malformed(`checkpoint: ${error.message}`, keyOf(error));
    throw error;
  }
}

/** Formats a proof; rejects anything parseTlogProof would not read back identically. */
export function formatTlogProof(proof: TlogProof): string {
  const { extra, index, inclusionProof, checkpoint } = proof;
  if (!Number.isSafeInteger(index) || index < 0) throw malformed(`index ${index} must be a whole number from 0 to 2^53 - 1`, { key: 'tlog.proof_index_invalid', params: { index } });
  if (extra && extra.length > MAX_EXTRA_BYTES) throw malformed(`extra data is larger than ${MAX_EXTRA_BYTES} bytes`, { key: 'tlog.proof_extra_too_large', params: { max: MAX_EXTRA_BYTES } });
  if (inclusionProof.length > MAX_INCLUSION_PROOF_HASHES) {
    throw malformed(`inclusion proof has more than ${MAX_INCLUSION_PROOF_HASHES} hashes`, { key: 'tlog.proof_too_many_hashes', params: { max: MAX_INCLUSION_PROOF_HASHES } });
  }
  inclusionProof.forEach((h, i) => {
    if (h.length !== 32) throw malformed(`inclusion proof hash ${i + 1} must be 32 bytes, not ${h.length}`, { key: 'tlog.proof_hash_length', params: { position: i + 1, length: h.length } });
  });
  checkCheckpointNote(checkpoint);
  return [
    TLOG_PROOF_HEADER,
    ...(extra ? [`extra ${encodeBase64(extra)}`] : []),
    `index ${index}`,
    ...inclusionProof.map(encodeBase64),
    '',
  ].join('\n') + '\n' + checkpoint;
}

/** Parses a proof strictly (bounded sizes, canonical encodings, a well-formed checkpoint note); verifies nothing. */
export function parseTlogProof(input: string | Uint8Array): TlogProof {
  const text = readText(input, 'tlog proof', MAX_TLOG_PROOF_BYTES, 'tlog_proof_malformed');
  let at = 0;
  let lineNo = 0;
  const EXPECTING = { header: 'its first line', index: 'the index line', blank_line: 'the blank line before the checkpoint' } as const;
  const next = (expecting: keyof typeof EXPECTING): string => {
    const end = text.indexOf('\n', at);
    if (end < 0) throw malformed(`tlog proof ends before ${EXPECTING[expecting]}`, { key: 'tlog.proof_truncated', params: { expecting } });
    const line = text.slice(at, end);
    at = end + 1;
    lineNo++;
    return line;
  };
  if (next('header') !== TLOG_PROOF_HEADER) throw malformed(`first line must be "${TLOG_PROOF_HEADER}"`, { key: 'tlog.proof_header', params: { header: TLOG_PROOF_HEADER } });
  let line = next('index');
  let extra: Uint8Array | undefined;
  if (line.startsWith('extra ')) {
    extra = decodeBase64(line.slice('extra '.length));
    if (!extra) throw malformed('extra data must be canonical base64', { key: 'tlog.proof_extra_base64' });
    if (extra.length > MAX_EXTRA_BYTES) throw malformed(`extra data is larger than ${MAX_EXTRA_BYTES} bytes`, { key: 'tlog.proof_extra_too_large', params: { max: MAX_EXTRA_BYTES } });
    line = next('index');
  }
  if (!line.startsWith('index ')) {
    throw malformed(`line ${lineNo} must be "index <decimal>"${extra ? '' : ' or "extra <base64>"'}`, { key: 'tlog.proof_index_line', params: { line: lineNo } });
  }
  const index = parseDecimal(line.slice('index '.length));
  if (index === undefined) {
    throw malformed(`index "${line.slice(6)}" must be a decimal number without leading zeros, at most 2^53 - 1`, { key: 'tlog.proof_index_format', params: { index: line.slice(6) } });
  }
  const inclusionProof: Uint8Array[] = [];
  for (;;) {
    line = next('blank_line');
    if (line === '') break;
    if (inclusionProof.length === MAX_INCLUSION_PROOF_HASHES) {
      throw malformed(`inclusion proof has more than ${MAX_INCLUSION_PROOF_HASHES} hashes`, { key: 'tlog.proof_too_many_hashes', params: { max: MAX_INCLUSION_PROOF_HASHES } });
    }
    const hash = decodeBase64(line);
    if (!hash || hash.length !== 32) throw malformed(`line ${lineNo}: inclusion proof hash must be the canonical base64 of 32 bytes`, { key: 'tlog.proof_hash_base64', params: { line: lineNo } });
    inclusionProof.push(hash);
  }
  const checkpoint = text.slice(at);
  if (checkpoint === '') throw malformed('tlog proof has no checkpoint after the blank line', { key: 'tlog.proof_no_checkpoint' });
  checkCheckpointNote(checkpoint);
  return { ...(extra ? { extra } : {}), index, inclusionProof, checkpoint };
}

/** Checks an RFC 6962 inclusion proof; fails by returning false or throwing (merkle.ts's verifyInclusion fits). */
export type InclusionVerifier = (
  leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], rootHash: Uint8Array,
) => boolean | void | Promise<boolean | void>;

export interface VerifyTlogProofOptions {
  /** The entry's RFC 6962 leaf hash, computed by the application from data it trusts (and perhaps `extra`). */
  leafHash: Uint8Array;
  log: NoteVerifier | readonly NoteVerifier[];
  /** Expected checkpoint origin; by default the log key's name. */
  origin?: string;
  /** Witness cosignatures required; none when absent. */
  witnesses?: WitnessPolicy;
  /** Current POSIX seconds: cosignatures from the future then do not count. */
  now?: number;
  verifyInclusion: InclusionVerifier;
}

/**
 * The spec's four steps: the caller's leaf hash, the log signature and origin, the witness quorum,
 * then the inclusion proof against the checkpoint's root.
 */
export async function verifyTlogProof(
  input: TlogProof | string | Uint8Array, options: VerifyTlogProofOptions,
): Promise<{ proof: TlogProof; checkpoint: CosignedCheckpoint }> {
  const proof = typeof input === 'string' || input instanceof Uint8Array ? parseTlogProof(input) : input;
  const checkpointOptions = options.origin === undefined ? {} : { origin: options.origin };
  const checkpoint = options.witnesses
    ? await verifyCosignedCheckpoint(proof.checkpoint, options.log, options.witnesses,
      options.now === undefined ? checkpointOptions : { ...checkpointOptions, now: options.now })
    : { ...(await openCheckpoint(proof.checkpoint, options.log, checkpointOptions)), cosignatures: [] };
  if (proof.index >= checkpoint.size) {
    throw new TlogError('tlog_proof_invalid', `index ${proof.index} is outside the checkpoint's tree of ${checkpoint.size} entries`, { key: 'tlog.proof_index_outside', params: { index: proof.index, size: checkpoint.size } });
  }
  if (options.leafHash.length !== 32) throw new TlogError('tlog_proof_invalid', 'leaf hash must be 32 bytes', { key: 'tlog.proof_leaf_hash_length' });
  let ok: boolean | void;
  try {
    ok = await options.verifyInclusion(options.leafHash, proof.index, checkpoint.size, proof.inclusionProof, checkpoint.rootHash);
  } catch (error) {
    throw new TlogError('tlog_proof_invalid', `inclusion proof does not verify: ${(error as Error).message}`, { key: 'tlog.proof_not_verified' });
  }
  if (ok === false) throw new TlogError('tlog_proof_invalid', 'inclusion proof does not verify', { key: 'tlog.proof_not_verified' });
  return { proof, checkpoint };
}
