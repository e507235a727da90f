import { encodeHex } from './base64.js';
import { openCheckpoint } from './checkpoint.js';
import { commitTo, openingMismatch, saltBytes, type EntryOpening } from './commitment.js';
import { decodeEntry, type RegistryEntry } from './entry.js';
import { concatBytes, parseVerifierKey, type CryptoProvider } from './signed-note.js';
import { parseTlogProof } from './tlog-proof.js';

export interface ReceiptCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReceiptVerification {
  ok: boolean;
  checks: ReceiptCheck[];
  entry: RegistryEntry | null;
  index: number | null;
  treeSize: number | null;
  /** Root hash (base64) of the receipt's signed checkpoint, once its signature checked out. */
  rootHash: string | null;
  origin: string | null;
  /** The registered content's sha256: the entry's, or for a sealed entry the opening's once it opened the commitment. */
  contentSha256: string | null;
  /**
   * Fields of the receipt that no signature covers (a version 1 entry's registration and work, anything
   * the receipt format does not define): shown as unsigned, never relied on.
   */
  unsigned: { field: string; value: string }[];
}

const MAX_RECEIPT_BYTES = 1024 * 1024;
const KNOWN_FIELDS: Record<string, readonly string[]> = {
  '': ['type', 'registrationId', 'log', 'entry', 'index', 'treeSize', 'proof', 'work', 'opening'],
  log: ['origin', 'verifierKey'],
  work: ['id'],
  opening: ['salt', 'contentSha256', 'termsSha256', 'fingerprints'],
};

/** The receipt fields verification reads; everything else in the file is informational. */
interface ReceiptShape {
  type: string;
  log: { origin: string; verifierKey: string };
  entry: string;
  index: number;
  proof: string;
  registrationId?: string;
  treeSize?: number;
  work?: { id: string | null };
  opening?: EntryOpening;
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the receipt is not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.type !== 'wenyuan.registry.receipt/v1') return 'type is not "wenyuan.registry.receipt/v1"';
  const log = r.log as Record<string, unknown> | undefined;
  if (typeof log !== 'object' || log === null || typeof log.origin !== 'string' || typeof log.verifierKey !== 'string') return 'log.origin and log.verifierKey must be strings';
  if (typeof r.entry !== 'string') return 'entry must be a string';
  if (typeof r.index !== 'number' || !Number.isSafeInteger(r.index) || r.index < 0) return 'index must be a whole number';
  if (typeof r.proof !== 'string') return 'proof must be a string';
  // The claims below are optional, but when present they must have their type: each is then checked against what is signed.
  if (r.registrationId !== undefined && typeof r.registrationId !== 'string') return 'registrationId must be a string';
  if (r.treeSize !== undefined && (typeof r.treeSize !== 'number' || !Number.isSafeInteger(r.treeSize))) return 'treeSize must be a whole number';
  const work = r.work as Record<string, unknown> | undefined;
  if (work !== undefined && (typeof work !== 'object' || work === null || Array.isArray(work) || (work.id !== null && typeof work.id !== 'string'))) return 'work must be an object whose id is a string or null';
  const o = r.opening as Record<string, unknown> | undefined;
  if (o !== undefined) {
    const fingerprints = o?.fingerprints;
    if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof o.salt !== 'string' || typeof o.contentSha256 !== 'string' || (o.termsSha256 !== null && typeof o.termsSha256 !== 'string') || !Array.isArray(fingerprints) || !fingerprints.every((f) => typeof f === 'string')) {
      return 'opening must hold salt, contentSha256, termsSha256 (or null) and a list of fingerprints, as strings';
    }
  }
  return null;
}

/** Fields the receipt format does not define, at the top level and inside its objects. */
function unknownFields(receipt: Record<string, unknown>): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const [scope, known] of Object.entries(KNOWN_FIELDS)) {
    const object = scope === '' ? receipt : receipt[scope];
    if (typeof object !== 'object' || object === null || Array.isArray(object)) continue;
    for (const [key, value] of Object.entries(object)) {
      if (!known.includes(key)) out.push({ field: scope ? `${scope}.${key}` : key, value: shown(value) });
    }
  }
  return out;
}

/** A value as text to show, cut short. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? '[…]' : '{…}'; // nested too deep to write out
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Checks a registration receipt with no network and no database: the entry's shape; the receipt's
 * registration id, work and tree size against what is signed (the entry, the checkpoint); a sealed
 * entry's opening against its commitments; the inclusion proof against the signed checkpoint; the
 * checkpoint's signature against the log key (pinned by the caller, or the receipt's own when none
 * is given — reported as such); and optionally that a file's sha256 is the registered content
 * (for a sealed entry, by recomputing the commitment with the receipt's salt). What no signature
 * covers is listed in `unsigned`. Never throws; each failed check says what was wrong.
 */
export async function verifyReceipt(
  input: Uint8Array | string,
  options: { crypto: CryptoProvider; pinnedLogKey?: string; fileSha256?: string },
): Promise<ReceiptVerification> {
  const result: ReceiptVerification = { ok: false, checks: [], entry: null, index: null, treeSize: null, rootHash: null, origin: null, contentSha256: null, unsigned: [] };
  const check = (name: string, ok: boolean, detail: string) => {
    result.checks.push({ name, ok, detail });
    return ok;
  };
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (!check('receipt size', bytes.length <= MAX_RECEIPT_BYTES, bytes.length <= MAX_RECEIPT_BYTES ? `${bytes.length} bytes` : `receipt is ${bytes.length} bytes, more than ${MAX_RECEIPT_BYTES}`)) return result;
  let receipt: ReceiptShape;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    const problem = shapeProblem(parsed);
    if (!check('receipt format', problem === null, problem ?? 'a wenyuan.registry.receipt/v1 object')) return result;
    receipt = parsed as ReceiptShape;
    result.unsigned = unknownFields(parsed as Record<string, unknown>);
  } catch (error) {
    check('receipt format', false, `not valid UTF-8 JSON: ${(error as Error).message}`);
    return result;
  }
  result.index = receipt.index;
  result.origin = receipt.log.origin;

  let entryBytes: Uint8Array;
  let entry: RegistryEntry;
  try {
    entryBytes = new TextEncoder().encode(receipt.entry);
    entry = result.entry = decodeEntry(entryBytes);
    check('entry', true, `version ${entry.version}, registrant ${entry.registrant}, role ${entry.role}, accepted ${new Date(entry.acceptedAt * 1000).toISOString()}${entry.sealed ? ', hashes sealed' : ''}`);
  } catch (error) {
    check('entry', false, (error as Error).message);
    return result;
  }
  await checkClaims(receipt, entry, result, check);
  await checkContent(receipt, entry, options, result, check);

  let proof;
  try {
    proof = parseTlogProof(receipt.proof);
  } catch (error) {
    check('proof format', false, (error as Error).message);
    return finish(result);
  }
  if (!check('proof index', proof.index === receipt.index, proof.index === receipt.index ? `entry ${proof.index}` : `the proof is for index ${proof.index}, the receipt says ${receipt.index}`)) return finish(result);
  if (proof.extra && !sameBytes(proof.extra, entryBytes)) check('proof entry', false, 'the entry inside the proof differs from the receipt’s entry');

  let opened;
  try {
    const key = options.pinnedLogKey ?? receipt.log.verifierKey;
    const verifier = await parseVerifierKey(key.trim(), options.crypto);
    opened = await openCheckpoint(proof.checkpoint, verifier, { origin: receipt.log.origin });
    check('checkpoint signature', true, options.pinnedLogKey ? `signed by the pinned log key ${verifier.name}` : `signed by ${verifier.name} — the key inside the receipt; pin the log's key with --log-key to make this check meaningful`);
  } catch (error) {
    check('checkpoint signature', false, (error as Error).message);
    return finish(result);
  }
  result.treeSize = opened.size;
  result.rootHash = base64Of(opened.rootHash);
  // The tree size is the signed checkpoint's; a receipt that claims another is refused, not corrected.
  if (receipt.treeSize !== undefined) {
    check('tree size', receipt.treeSize === opened.size, receipt.treeSize === opened.size ? `${opened.size}, as signed` : `the receipt says tree size ${receipt.treeSize}, its signed checkpoint ${opened.size}`);
  }
  try {
    const leafHash = await options.crypto.sha256(concatBytes(Uint8Array.of(0x00), entryBytes));
    await verifyInclusionWith(options.crypto.sha256, leafHash, receipt.index, opened.size, proof.inclusionProof, opened.rootHash);
    check('inclusion', true, `entry ${receipt.index} is in the tree of size ${opened.size} signed by the log`);
  } catch (error) {
    check('inclusion', false, (error as Error).message);
  }
  return finish(result);
}

type Check = (name: string, ok: boolean, detail: string) => boolean;

/**
 * The receipt's registration id and work against the entry: a version 2 entry signs them, so a
 * different value fails; a version 1 entry does not, so they are listed as unsigned.
 */
async function checkClaims(receipt: ReceiptShape, entry: RegistryEntry, result: ReceiptVerification, check: Check): Promise<void> {
  const workId = receipt.work === undefined ? undefined : receipt.work.id;
  if (entry.version === 1) {
    const claims = [
      ...(receipt.registrationId !== undefined ? [{ field: 'registrationId', value: receipt.registrationId }] : []),
      ...(workId !== undefined ? [{ field: 'work.id', value: workId ?? 'null' }] : []),
    ];
    result.unsigned = [...claims, ...result.unsigned];
    return;
  }
  if (receipt.registrationId !== undefined) {
    const same = receipt.registrationId === entry.registrationId;
    check('registration', same, same ? `${entry.registrationId}, as signed` : `the receipt says registration ${receipt.registrationId}, the signed entry ${entry.registrationId}`);
  }
  if (workId !== undefined) {
    const same = workId === entry.workId;
    const name = (id: string | null) => (id === null ? 'no work (a document)' : `work ${id}`);
    check('work', same, same ? `${name(entry.workId)}, as signed` : `the receipt says ${name(workId)}, the signed entry ${name(entry.workId)}`);
  }
}

/**
 * The registered content: the opening of a sealed entry against its commitments, and a file's
 * sha256 against the content (for a sealed entry, by recomputing the commitment with the salt).
 */
async function checkContent(receipt: ReceiptShape, entry: RegistryEntry, options: { crypto: CryptoProvider; fileSha256?: string }, result: ReceiptVerification, check: Check): Promise<void> {
  const sealed = entry.sealed;
  const opening = receipt.opening;
  if (!sealed) {
    result.contentSha256 = entry.contentSha256;
    if (opening) check('opening', false, 'the entry is not sealed, so the receipt’s opening is no part of it');
  } else if (opening) {
    const mismatch = await openingMismatch(options.crypto, sealed, opening);
    if (check('opening', mismatch === null, mismatch === null ? 'the salt opens the entry’s commitments to its content, terms and fingerprints' : `the opening does not open the entry: ${mismatch.length < 16 ? `its ${mismatch} commitment differs` : mismatch}`)) {
      result.contentSha256 = opening.contentSha256;
    }
  }
  if (options.fileSha256 === undefined) return;
  const file = options.fileSha256;
  if (!sealed) {
    check('file', file === entry.contentSha256, file === entry.contentSha256 ? `sha256 ${file} is the registered content` : `the file's sha256 ${file} is not the registered ${entry.contentSha256}`);
    return;
  }
  const salt = opening ? saltBytes(opening) : null;
  if (!salt) {
    check('file', false, 'the entry is sealed and the receipt holds no (valid) salt to open it: ask the registrant for the full receipt');
    return;
  }
  const same = (await commitTo(options.crypto, salt, 'content', file)) === sealed.content;
  const registered = result.contentSha256 ? ` ${result.contentSha256}` : ' content';
  check('file', same, same ? `sha256 ${file} is the registered content (its commitment, recomputed with the receipt’s salt, is the entry’s)` : `the file's sha256 ${file} is not the registered${registered} (its commitment differs from the entry’s)`);
}

/**
 * RFC 9162 §2.1.3.2 inclusion proof verification with any SHA-256 (here the CryptoProvider's), so
 * this module stays free of node:crypto and runs in the browser; merkle.ts's verifyInclusion is the
 * fast synchronous Node equivalent. Throws an Error saying what does not fit.
 */
export async function verifyInclusionWith(
  sha256: (data: Uint8Array) => Promise<Uint8Array>,
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new Error(`tree size ${treeSize} is not a whole number from 1 to 2^53 − 1`);
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`index ${index} is not a non-negative integer`);
  if (index >= treeSize) throw new Error(`index ${index} is not below tree size ${treeSize}`);
  const check32 = (name: string, h: Uint8Array) => {
    if (h.length !== 32) throw new Error(`${name} is ${h.length} bytes, not 32`);
  };
  check32('leaf hash', leafHash);
  check32('root', root);
  proof.forEach((p, i) => check32(`hash ${i} of the proof`, p));
  const node = (left: Uint8Array, right: Uint8Array) => sha256(concatBytes(Uint8Array.of(0x01), left, right));
  // Division, not bit operators: sizes go up to 2^53 and JavaScript's bitwise operators see 32 bits.
  const half = (n: number) => Math.floor(n / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new Error(`inclusion proof has ${proof.length} hashes, more than a tree of size ${treeSize} needs for index ${index}`);
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new Error(`inclusion proof has ${proof.length} hashes, fewer than a tree of size ${treeSize} needs for index ${index}`);
  if (!sameBytes(r, root)) {
    throw new Error(`computed root ${encodeHex(r)} does not match the expected root ${encodeHex(root)} (index ${index}, tree size ${treeSize})`);
  }
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function finish(result: ReceiptVerification): ReceiptVerification {
  result.ok = result.checks.length > 0 && result.checks.every((c) => c.ok) && result.checks.some((c) => c.name === 'inclusion');
  return result;
}
