import { encodeHex } from './base64.js';
import { openCheckpoint } from './checkpoint.js';
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
}

const MAX_RECEIPT_BYTES = 1024 * 1024;

/** The receipt fields verification reads; everything else in the file is informational. */
interface ReceiptShape {
  type: string;
  log: { origin: string; verifierKey: string };
  entry: string;
  index: number;
  proof: string;
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
  return null;
}

/**
 * Checks a registration receipt with no network and no database: the entry's shape, the inclusion
 * proof against the signed checkpoint, the checkpoint's signature against the log key (pinned by
 * the caller, or the receipt's own when none is given — reported as such), and optionally that a
 * file's sha256 is the registered content. Never throws; each failed check says what was wrong.
 */
export async function verifyReceipt(
  input: Uint8Array | string,
  options: { crypto: CryptoProvider; pinnedLogKey?: string; fileSha256?: string },
): Promise<ReceiptVerification> {
  const result: ReceiptVerification = { ok: false, checks: [], entry: null, index: null, treeSize: null, rootHash: null, origin: null };
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
  } catch (error) {
    check('receipt format', false, `not valid UTF-8 JSON: ${(error as Error).message}`);
    return result;
  }
  result.index = receipt.index;
  result.origin = receipt.log.origin;

  let entryBytes: Uint8Array;
  try {
    entryBytes = new TextEncoder().encode(receipt.entry);
    result.entry = decodeEntry(entryBytes);
    check('entry', true, `registrant ${result.entry.registrant}, role ${result.entry.role}, accepted ${new Date(result.entry.acceptedAt * 1000).toISOString()}`);
  } catch (error) {
    check('entry', false, (error as Error).message);
    return result;
  }

  if (options.fileSha256 !== undefined) {
    check('file', options.fileSha256 === result.entry.contentSha256, options.fileSha256 === result.entry.contentSha256 ? `sha256 ${options.fileSha256} is the registered content` : `the file's sha256 ${options.fileSha256} is not the registered ${result.entry.contentSha256}`);
  }

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
  try {
    const leafHash = await options.crypto.sha256(concatBytes(Uint8Array.of(0x00), entryBytes));
    await verifyInclusionWith(options.crypto.sha256, leafHash, receipt.index, opened.size, proof.inclusionProof, opened.rootHash);
    check('inclusion', true, `entry ${receipt.index} is in the tree of size ${opened.size} signed by the log`);
  } catch (error) {
    check('inclusion', false, (error as Error).message);
  }
  return finish(result);
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
