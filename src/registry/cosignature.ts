/**
 * Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 `cosignature/v1`, signature type 0x04).
 * A cosignature line is `— <witness name> base64(key ID ‖ u64 big-endian time ‖ Ed25519 signature)`,
 * the signature covering `cosignature/v1\ntime <t>\n` followed by the checkpoint text.
 *
 * Witness keys use the vkey format with type byte 0x04 and, as the spec defines no private key
 * format, the Go note signer-key format with type byte 0x04:
 * `PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 ‖ seed)` (key ID computed with 0x04).
 */
import type { ErrorOptions } from '../platform/errors.js';
import { openCheckpoint, parseCheckpoint, sameBytes, type OpenedCheckpoint } from './checkpoint.js';
import type { RegistryErrorKey } from './registry.errors.js';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1, TlogError, checkEd25519Key, computeKeyId, concatBytes, decodeSignerKey,
  decodeVerifierKey, formatKeyId, formatNote, formatSignatureLine, formatVerifierKey, generateKey, keyNameFault,
  parseNote, parseSignatureLines, utf8,
  type CryptoProvider, type KeyInfo, type NoteSignature, type NoteVerifier,
} from './signed-note.js';

export const COSIGNATURE_V1_HEADER = 'cosignature/v1\n';
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** A witness's public key; `type` 0x04 keeps note keys (0x01) out of witness policies at compile time. */
export type WitnessVerifier = NoteVerifier & KeyInfo & { readonly type: typeof SIGNATURE_TYPE_COSIGNATURE_V1 };
/**
 * A witness's signing key. Deliberately not a NoteSigner: signNote with a witness key over text
 * starting `cosignature/v1\ntime …` would forge a cosignature without any consistency check.
 */
export interface WitnessSigner extends KeyInfo {
  readonly type: typeof SIGNATURE_TYPE_COSIGNATURE_V1;
  readonly name: string;
  readonly keyId: number;
  /** Signs a message built by cosignedMessage. */
  signCosignedMessage(message: Uint8Array): Promise<Uint8Array>;
}
export interface Cosignature {
  name: string;
  keyId: number;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: number;
}

const malformed = <K extends RegistryErrorKey>(message: string, options: ErrorOptions<K>) => new TlogError('cosignature_malformed', message, options);

function checkTime(timeSeconds: number): void {
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) {
    throw malformed(`cosignature time ${timeSeconds} must be a whole number of seconds from 0 to 2^53 - 1`, { key: 'tlog.cosignature_time_invalid', params: { time: timeSeconds } });
  }
}

/** The signed message: `cosignature/v1\ntime <t>\n` ‖ the checkpoint text (which must be a valid checkpoint). */
export function cosignedMessage(checkpointText: string, timeSeconds: number): Uint8Array {
  checkTime(timeSeconds);
  parseCheckpoint(checkpointText);
  return utf8(`${COSIGNATURE_V1_HEADER}time ${timeSeconds}\n${checkpointText}`);
}

function readTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== 8 + 64) return undefined;
  const t = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  // Beyond 2^63 - 1 is malformed; beyond 2^53 - 1 is hundreds of millions of years ahead: refuse both.
  return t <= MAX_TIMESTAMP && t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : undefined;
}

/** The timestamp of a cosignature line's signature, or a precise error if it is not a v1 cosignature. */
export function cosignatureTimestamp(sig: NoteSignature): number {
  if (sig.signature.length !== 72) {
    throw malformed(`cosignature by ${sig.name} must hold 72 bytes after the key ID (8-byte time, 64-byte signature), not ${sig.signature.length}`, {
      key: 'tlog.cosignature_length',
      params: { name: sig.name, length: sig.signature.length },
    });
  }
  const t = readTimestamp(sig.signature);
  if (t === undefined) throw malformed(`cosignature by ${sig.name} has a timestamp beyond 2^53 - 1`, { key: 'tlog.cosignature_time_too_large', params: { name: sig.name } });
  return t;
}

/** A cosignature/v1 verifier for a raw 32-byte witness public key. */
export async function witnessVerifier(name: string, publicKey: Uint8Array, crypto: CryptoProvider): Promise<WitnessVerifier> {
  const fault = keyNameFault(name);
  if (fault) throw new TlogError('key_malformed', `witness key: ${fault.message}`, { key: 'tlog.key_name', params: { kind: 'witness', problem: fault.problem } });
  if (publicKey.length !== 32) {
    throw new TlogError('key_malformed', `witness public key for ${name} must be 32 bytes`, { key: 'tlog.public_key_length', params: { kind: 'witness', name, length: publicKey.length } });
  }
  const key = publicKey.slice();
  const keyId = await computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, key, crypto);
  return {
    name, keyId, type: SIGNATURE_TYPE_COSIGNATURE_V1, publicKey: key,
    verifierKey: formatVerifierKey(name, keyId, SIGNATURE_TYPE_COSIGNATURE_V1, key),
    async verify(message, signature) {
      const t = readTimestamp(signature);
      if (t === undefined) return false;
      let signed: Uint8Array;
      try {
        signed = cosignedMessage(new TextDecoder('utf-8', { fatal: true }).decode(message), t);
      } catch {
        return false; // the note text is not a checkpoint: nothing a v1 cosignature can cover
      }
      return crypto.ed25519Verify(key, signed, signature.subarray(8));
    },
  };
}

/** Reads a witness vkey (type 0x04), checking its key ID. */
export async function parseWitnessVerifierKey(vkey: string, crypto: CryptoProvider): Promise<WitnessVerifier> {
  const key = decodeVerifierKey(vkey);
  const publicKey = await checkEd25519Key(key, SIGNATURE_TYPE_COSIGNATURE_V1, 'verifier key', crypto);
  return witnessVerifier(key.name, publicKey, crypto);
}

/** Reads a witness signer key (type 0x04), checking its key ID against the derived public key. */
export async function parseWitnessSignerKey(skey: string, crypto: CryptoProvider): Promise<WitnessSigner> {
  const key = decodeSignerKey(skey);
  const publicKey = await checkEd25519Key(key, SIGNATURE_TYPE_COSIGNATURE_V1, 'signer key', crypto);
  const seed = key.key;
  return {
    name: key.name, keyId: key.keyId, type: SIGNATURE_TYPE_COSIGNATURE_V1, publicKey,
    verifierKey: formatVerifierKey(key.name, key.keyId, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey),
    signCosignedMessage: (message) => crypto.ed25519Sign(seed, message),
  };
}

/** Makes a new witness key pair (type 0x04) as signer-key and vkey strings. */
export function generateWitnessKey(name: string, crypto: CryptoProvider, seed?: Uint8Array) {
  return generateKey(name, crypto, seed ? { type: SIGNATURE_TYPE_COSIGNATURE_V1, seed } : { type: SIGNATURE_TYPE_COSIGNATURE_V1 });
}

/**
 * Cosigns checkpoint text at `timeSeconds` (positive: tlog-witness forbids a zero timestamp) and
 * returns the signature line, newline included, as a witness returns it from add-checkpoint.
 */
export async function cosignCheckpoint(checkpointText: string, signer: WitnessSigner, timeSeconds: number): Promise<string> {
  if (timeSeconds === 0) throw malformed('cosignature time must not be 0', { key: 'tlog.cosignature_time_zero' });
  const message = cosignedMessage(checkpointText, timeSeconds);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timeSeconds));
  const signature = concatBytes(time, await signer.signCosignedMessage(message));
  return formatSignatureLine({ name: signer.name, keyId: signer.keyId, signature });
}

/** Verifies one cosignature (a line or a parsed signature) on checkpoint text by `verifier`; throws why not. */
export async function verifyCosignature(
  checkpointText: string, signature: NoteSignature | string, verifier: WitnessVerifier,
): Promise<Cosignature> {
  let sig: NoteSignature;
  if (typeof signature === 'string') {
    const lines = parseSignatureLines(signature, 'cosignature_malformed');
    if (lines.length !== 1) throw malformed(`expected one cosignature line, got ${lines.length}`, { key: 'tlog.cosignature_line_count', params: { count: lines.length } });
    sig = lines[0]!;
  } else {
    sig = signature;
  }
  if (sig.name !== verifier.name || sig.keyId !== verifier.keyId) {
    const by = `${sig.name}+${formatKeyId(sig.keyId)}`;
    const expected = `${verifier.name}+${formatKeyId(verifier.keyId)}`;
    throw new TlogError('note_unverified', `cosignature is by ${by}, not by witness key ${expected}`, { key: 'tlog.cosignature_wrong_key', params: { by, expected } });
  }
  const timestamp = cosignatureTimestamp(sig);
  parseCheckpoint(checkpointText);
  if (!(await verifier.verify(utf8(checkpointText), sig.signature))) {
    throw new TlogError('note_unverified', `cosignature by ${sig.name} does not verify`, { key: 'tlog.cosignature_invalid', params: { name: sig.name } });
  }
  return { name: sig.name, keyId: sig.keyId, timestamp };
}

export interface WitnessPolicy {
  readonly witnesses: readonly WitnessVerifier[];
  /** How many distinct witness names must have cosigned. */
  readonly quorum: number;
}

/**
 * "k of these witnesses". Rejects one public key under two names: v1 cosignatures do not commit
 * to the name, so such a witness would count twice.
 */
export function witnessPolicy(witnesses: readonly WitnessVerifier[], quorum: number): WitnessPolicy {
  const names = new Set(witnesses.map((w) => w.name));
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > names.size) {
    throw new TlogError('policy_invalid', `witness quorum ${quorum} must be a whole number from 0 to the ${names.size} witnesses given`, { key: 'tlog.witness_quorum_invalid', params: { quorum, count: names.size } });
  }
  witnesses.forEach((w, i) => {
    if (w.type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw new TlogError('policy_invalid', `${w.name} is not a cosignature/v1 witness key`, { key: 'tlog.witness_key_type', params: { name: w.name } });
    const twin = witnesses.findIndex((o) => sameBytes(o.publicKey, w.publicKey));
    if (twin !== i) {
      throw new TlogError('policy_invalid', `witnesses ${witnesses[twin]!.name} and ${w.name} share one public key`, { key: 'tlog.witness_shared_key', params: { first: witnesses[twin]!.name, second: w.name } });
    }
  });
  return { witnesses: [...witnesses], quorum };
}

export interface CosignedCheckpoint extends OpenedCheckpoint {
  /** Verified cosignatures from the policy's witnesses, with their times. */
  cosignatures: Cosignature[];
}

/**
 * Verifies a checkpoint signed by the log and cosigned by at least `policy.quorum` of the policy's
 * witnesses. Any signature by a known key that fails rejects the note. With `now`, cosignatures
 * dated more than `maxClockSkewSeconds` (default 300) ahead do not count.
 */
export async function verifyCosignedCheckpoint(
  note: string | Uint8Array, logVerifier: NoteVerifier | readonly NoteVerifier[], policy: WitnessPolicy,
  options: { origin?: string; now?: number; maxClockSkewSeconds?: number } = {},
): Promise<CosignedCheckpoint> {
  const logs = Array.isArray(logVerifier) ? logVerifier : [logVerifier as NoteVerifier];
  const witnessNames = new Set(policy.witnesses.map((w) => w.name));
  for (const log of logs) {
    if (witnessNames.has(log.name)) throw new TlogError('policy_invalid', `${log.name} is both a log key and a witness`, { key: 'tlog.log_key_is_witness', params: { name: log.name } });
  }
  const opened = await openCheckpoint(note, logs, {
    ...(options.origin === undefined ? {} : { origin: options.origin }), witnesses: policy.witnesses,
  });
  const cosigned = opened.verified.filter((s) => witnessNames.has(s.name));
  const latest = options.now === undefined ? Infinity : options.now + (options.maxClockSkewSeconds ?? 300);
  const cosignatures = cosigned
    .map((s) => ({ name: s.name, keyId: s.keyId, timestamp: cosignatureTimestamp(s) }))
    .filter((c) => c.timestamp <= latest);
  const have = new Set(cosignatures.map((c) => c.name));
  if (have.size < policy.quorum) {
    const missing = [...witnessNames].filter((n) => !have.has(n));
    throw new TlogError('note_unverified',
      `checkpoint is cosigned by ${have.size} of the ${policy.quorum} witnesses required (missing: ${missing.join(', ')})`,
      { key: 'tlog.witness_quorum_not_met', params: { have: have.size, quorum: policy.quorum, missing: missing.join(', ') } });
  }
  return { ...opened, cosignatures };
}

/**
 * Adds the cosignature lines a witness returned (add-checkpoint response body) to a signed
 * checkpoint: each line must be by one of `witnesses` and verify, and replaces any earlier
 * cosignature by the same key. Lines by unknown keys are dropped, as the spec requires.
 */
export async function addCosignatures(
  signedCheckpoint: string, responseBody: string, witnesses: readonly WitnessVerifier[],
): Promise<string> {
  const note = parseNote(signedCheckpoint);
  const known = new Map(witnesses.map((w) => [`${w.name}+${w.keyId}`, w]));
  const fresh: NoteSignature[] = [];
  for (const sig of parseSignatureLines(responseBody, 'cosignature_malformed')) {
    const witness = known.get(`${sig.name}+${sig.keyId}`);
    if (!witness) continue;
    await verifyCosignature(note.text, sig, witness);
    fresh.push(sig);
  }
  const replaced = new Set(fresh.map((s) => `${s.name}+${s.keyId}`));
  const kept = note.signatures.filter((s) => !replaced.has(`${s.name}+${s.keyId}`));
  return formatNote({ text: note.text, signatures: [...kept, ...fresh] });
}
