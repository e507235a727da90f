/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification. Proof generation over stored
 * node hashes lives in merkle-proof.ts. Sizes and indices are JavaScript numbers, so trees are
 * limited to 2^53 − 1 leaves.
 */
import { createHash, hash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** A proof, or the arguments to check or build one, is invalid; the message says exactly why. */
export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

// One-shot crypto.hash over a reused input buffer is ~1.5× faster than createHash().update()×3;
// both are synchronous, so sharing the scratch buffers is safe.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = 0x01;
const SMALL_LEAF = 1024;
const LEAF_INPUT = Buffer.alloc(1 + SMALL_LEAF);
const LEAF_PREFIX = Buffer.from([0x00]);

/** Root of the empty tree: SHA-256 of the empty string (do not mutate). */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ entry). */
export function hashLeaf(entry: Uint8Array): Buffer {
  if (entry.length > SMALL_LEAF) return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
  LEAF_INPUT.set(entry, 1);
  return hash('sha256', LEAF_INPUT.subarray(0, 1 + entry.length), 'buffer');
}

/** RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right); both must be 32 bytes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`hashChildren needs two ${HASH_SIZE}-byte hashes, got ${left.length} and ${right.length} bytes`);
  }
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** hashChildren of the two adjacent hashes at `offset` in `bytes` (as stored in a tile), without slicing. */
export function hashPairAt(bytes: Uint8Array, offset: number): Buffer {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  hashPairInto(bytes, offset, out, 0);
  return out;
}

/**
 * hashChildren of the two adjacent hashes at `offset` in `bytes`, written into `out` at `outOffset`.
 * Allocation-free on purpose: proofs hash a few hundred pairs each, and a Buffer per hash made garbage
 * collection their tail latency. The digest travels as a 32-character 'binary' (latin1) string (one byte per
 * character, exact for every byte value), which is cheaper to make and collect than a Buffer.
 */
export function hashPairInto(bytes: Uint8Array, offset: number, out: Buffer, outOffset: number): void {
  if (offset < 0 || offset + 2 * HASH_SIZE > bytes.length) {
    throw new RangeError(`hashPairAt needs 64 bytes at offset ${offset}, the input has ${bytes.length}`);
  }
  if (outOffset < 0 || outOffset + HASH_SIZE > out.length) throw new RangeError(`hashPairInto needs 32 bytes at output offset ${outOffset}`);
  for (let i = 0; i < 2 * HASH_SIZE; i++) NODE_INPUT[1 + i] = bytes[offset + i]!;
  out.write(hash('sha256', NODE_INPUT, 'binary'), outOffset, HASH_SIZE, 'binary');
}

/** Merkle Tree Hash (RFC 6962 §2.1) of a whole list of leaf hashes, in O(n) time and O(log n) memory. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  // A stack of perfect subtrees with strictly decreasing sizes, as in a compact range.
  const hashes: Buffer[] = [];
  const sizes: number[] = [];
  for (const [i, leaf] of leafHashes.entries()) {
    if (leaf.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is ${leaf.length} bytes, not ${HASH_SIZE}`);
    let h: Buffer = Buffer.from(leaf);
    let size = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      h = hashChildren(hashes.pop() as Buffer, h);
      sizes.pop();
      size *= 2;
    }
    hashes.push(h);
    sizes.push(size);
  }
  let root = hashes.pop();
  if (root === undefined) return Buffer.from(EMPTY_ROOT);
  for (let i = hashes.length - 1; i >= 0; i--) root = hashChildren(hashes[i] as Buffer, root);
  return root;
}

/** Root of a tree of `treeSize` leaves implied by a leaf hash at `index` and its inclusion proof (RFC 9162 §2.1.3.2). */
export function rootFromInclusion(leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[]): Buffer {
  checkSize('tree size', treeSize);
  if (!Number.isInteger(index) || index < 0) throw new ProofError(`index ${index} is not a non-negative integer`);
  if (index >= treeSize) throw new ProofError(`index ${index} is not below tree size ${treeSize}`);
  checkHash('leaf hash', leafHash);
  // The path splits into an inner part (below the point where the paths to `index` and to the last
  // leaf diverge) and a border part along the right edge, where every sibling is on the left.
  const inner = bitLength(xor(index, treeSize - 1));
  const border = popCount(shr(index, inner));
  if (proof.length !== inner + border) {
    throw new ProofError(
      `inclusion proof has ${hashes(proof.length)}, a tree of size ${treeSize} needs ${inner + border} for index ${index}`,
    );
  }
  checkProofHashes(proof);
  let h: Buffer = Buffer.from(leafHash);
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i] as Uint8Array;
    h = i < inner && bit(index, i) === 0 ? hashChildren(h, p) : hashChildren(p, h);
  }
  return h;
}

/** Checks that `leafHash` is at `index` in the tree of `treeSize` leaves with `root`; throws ProofError if not. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash('root', root);
  const computed = rootFromInclusion(leafHash, index, treeSize, proof);
  if (!computed.equals(root)) {
    throw new ProofError(`computed root ${hex(computed)} does not match the expected root ${hex(root)} (index ${index}, tree size ${treeSize})`);
  }
}

/** Root of the tree of `size2` leaves implied by the tree of `size1` leaves with `root1` and a consistency proof; throws ProofError if root1 does not fit. */
export function rootFromConsistency(size1: number, size2: number, root1: Uint8Array, proof: readonly Uint8Array[]): Buffer {
  checkSizes(size1, size2);
  checkHash('root1', root1);
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError(`sizes are equal (${size1}), so the proof must be empty, but it has ${hashes(proof.length)}`);
    return Buffer.from(root1);
  }
  // Same decomposition as the inclusion proof of leaf size1−1 in the tree of size2, minus the levels
  // below the largest perfect subtree that ends at size1 (its root is the seed).
  const last = size1 - 1;
  const shift = trailingZeros(size1);
  const inner = bitLength(xor(last, size2 - 1)) - shift;
  const border = popCount(shr(last, inner + shift));
  const seeded = size1 === 2 ** shift; // then the seed is root1 itself and not sent
  const want = (seeded ? 0 : 1) + inner + border;
  if (proof.length !== want) {
    throw new ProofError(`consistency proof has ${hashes(proof.length)}, going from size ${size1} to size ${size2} needs ${want}`);
  }
  checkProofHashes(proof);
  const rest = seeded ? proof : proof.slice(1);
  const seed = seeded ? root1 : (proof[0] as Uint8Array);
  const mask = shr(last, shift);
  let h1: Buffer = Buffer.from(seed);
  let h2 = h1;
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i] as Uint8Array;
    if (i >= inner || bit(mask, i) === 1) {
      h1 = hashChildren(p, h1);
      h2 = hashChildren(p, h2);
    } else {
      h2 = hashChildren(h2, p); // a right sibling only exists in the larger tree
    }
  }
  if (!h1.equals(root1)) {
    throw new ProofError(`computed root1 ${hex(h1)} does not match the given root1 ${hex(root1)} (size ${size1})`);
  }
  return h2;
}

/** Checks that the tree of `size2` leaves with `root2` extends the tree of `size1` leaves with `root1`; throws ProofError if not. */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkSizes(size1, size2); // before the hash lengths, so the more basic mistake is the one reported
  checkHash('root1', root1);
  checkHash('root2', root2);
  const computed = rootFromConsistency(size1, size2, root1, proof);
  if (!computed.equals(root2)) {
    const why = size1 === size2 ? `both trees have size ${size1}` : `size ${size1} → ${size2}`;
    throw new ProofError(`computed root2 ${hex(computed)} does not match the given root2 ${hex(root2)} (${why})`);
  }
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${name} ${n} is not an integer between 0 and 2^53 − 1`);
}

function checkSizes(size1: number, size2: number): void {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) throw new ProofError(`size1 ${size1} is larger than size2 ${size2}: a log never shrinks`);
  if (size1 === 0) {
    throw new ProofError('size1 0 is not allowed: every tree extends the empty tree, so there is nothing to prove');
  }
}

function hashes(n: number): string {
  return n === 1 ? '1 hash' : `${n} hashes`;
}

function checkHash(name: string, h: Uint8Array): void {
  if (h.length !== HASH_SIZE) throw new ProofError(`${name} is ${h.length} bytes, not ${HASH_SIZE}`);
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  for (const [i, h] of proof.entries()) checkHash(`hash ${i} of the proof`, h);
}

function hex(h: Uint8Array): string {
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex');
}

// Bit operations on integers up to 2^53; JavaScript's bitwise operators only see 32 bits.
const TWO32 = 2 ** 32;

function bitLength(x: number): number {
  const hi = Math.floor(x / TWO32);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(x >>> 0);
}

function popCount(x: number): number {
  let n = 0;
  for (let v = x; v > 0; v = Math.floor(v / 2)) n += v % 2;
  return n;
}

function trailingZeros(x: number): number {
  let n = 0;
  for (let v = x; v > 0 && v % 2 === 0; v /= 2) n++;
  return n;
}

function xor(a: number, b: number): number {
  return ((Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) >>> 0) * TWO32 + ((a ^ b) >>> 0);
}

function shr(x: number, k: number): number {
  return Math.floor(x / 2 ** k);
}

function bit(x: number, i: number): number {
  return shr(x, i) % 2;
}
