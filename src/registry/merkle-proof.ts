/**
 * RFC 6962 / RFC 9162 proof generation over a store of perfect-subtree hashes. Imperfect subtrees on
 * the right edge are hashed from the perfect ones they decompose into, so every proof and root
 * costs O(log n) node reads.
 */
import { EMPTY_ROOT, HASH_SIZE, ProofError, hashChildren } from './merkle.js';

/**
 * Hash of the perfect subtree of 2^level leaves that starts at leaf index·2^level. Callers only
 * ask for complete subtrees of the tree they work on.
 */
export interface NodeReader {
  node(level: number, index: number): Buffer;
}

/** NodeReader over leaf hashes held in memory, every complete level precomputed (tests, small trees). */
export class LeafNodeReader implements NodeReader {
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Uint8Array[]) {
    const leaves = leafHashes.map((h, i): Buffer => {
      if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is ${h.length} bytes, not ${HASH_SIZE}`);
      return Buffer.from(h);
    });
    this.levels = [leaves];
    for (let below = leaves; below.length > 1; ) {
      const above: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) above.push(hashChildren(below[i] as Buffer, below[i + 1] as Buffer));
      this.levels.push(above);
      below = above;
    }
  }

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  /** Hash of a complete subtree; throws RangeError for one that does not exist yet. */
  node(level: number, index: number): Buffer {
    const h = this.levels[level]?.[index];
    if (h === undefined) throw new RangeError(`node ${level}/${index} is not a complete subtree of a tree of ${this.size} leaves`);
    return h;
  }
}

/** Root hash of the tree made of the first `treeSize` leaves. */
export function rootAt(treeSize: number, reader: NodeReader): Buffer {
  checkSize('tree size', treeSize);
  return treeSize === 0 ? Buffer.from(EMPTY_ROOT) : subtreeRoot(0, treeSize, reader);
}

/** Audit path (RFC 6962 §2.1.1) for leaf `index` in the tree of `treeSize` leaves, lowest level first. */
export function inclusionProof(index: number, treeSize: number, reader: NodeReader): Buffer[] {
  checkSize('tree size', treeSize);
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) {
    throw new ProofError(`cannot prove index ${index}: it must be an integer from 0 to tree size − 1 (${treeSize - 1})`);
  }
  // Walk down from the root, collecting the sibling of each subtree the leaf lies in. Only the
  // first time the path turns left can the sibling be imperfect (it is then on the right edge).
  const path: Buffer[] = [];
  let start = 0;
  let size = treeSize;
  let m = index;
  while (size > 1) {
    const [k, level] = split(size);
    if (m < k) {
      path.push(subtreeRoot(start + k, size - k, reader));
      size = k;
    } else {
      path.push(reader.node(level, start / k));
      start += k;
      m -= k;
      size -= k;
    }
  }
  return path.reverse();
}

/** Consistency proof (RFC 6962 §2.1.2) that the tree of `size2` leaves extends that of `size1` (0 < size1 ≤ size2). */
export function consistencyProof(size1: number, size2: number, reader: NodeReader): Buffer[] {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 === 0 || size1 > size2) {
    throw new ProofError(`cannot prove consistency from size ${size1} to size ${size2}: sizes must satisfy 0 < size1 ≤ size2`);
  }
  // Iterative SUBPROOF(m, D[start:start+n], b) from RFC 6962 §2.1.2.
  const proof: Buffer[] = [];
  let start = 0;
  let n = size2;
  let m = size1;
  let whole = true; // b: the subtree is still the whole old tree, whose root the verifier knows
  while (m !== n) {
    const [k, level] = split(n);
    if (m <= k) {
      proof.push(subtreeRoot(start + k, n - k, reader));
      n = k;
    } else {
      proof.push(reader.node(level, start / k));
      start += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(subtreeRoot(start, n, reader));
  return proof.reverse();
}

/** MTH of leaves [start, start + size): the perfect subtrees of its binary decomposition, folded from the right. */
function subtreeRoot(start: number, size: number, reader: NodeReader): Buffer {
  const parts: Buffer[] = [];
  let at = start;
  let remaining = size;
  while (remaining > 0) {
    let level = 0;
    while (2 ** (level + 1) <= remaining) level++;
    const width = 2 ** level;
    parts.push(reader.node(level, at / width));
    at += width;
    remaining -= width;
  }
  let root = parts[parts.length - 1] as Buffer;
  for (let i = parts.length - 2; i >= 0; i--) root = hashChildren(parts[i] as Buffer, root);
  return root;
}

/** The largest power of two below n (n ≥ 2), and its log2. */
function split(n: number): [number, number] {
  let k = 1;
  let level = 0;
  while (k * 2 < n) {
    k *= 2;
    level++;
  }
  return [k, level];
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${name} ${n} is not an integer between 0 and 2^53 − 1`);
}
