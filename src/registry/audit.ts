import { openCheckpoint } from './checkpoint.js';
import { nodeCrypto } from './crypto-node.js';
import { hashChildren, hashLeaf } from './merkle.js';
import type { RegistryRepository } from './registry.repository.js';
import { parseVerifierKey } from './signed-note.js';
import { TILE_WIDTH } from './tiles.js';

export type AuditProblemKind = 'missing-entry' | 'entry-changed' | 'tile-mismatch' | 'checkpoint-root-mismatch' | 'checkpoint-signature' | 'checkpoint-beyond-entries';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry index (or, for checkpoint problems, the tree size) the problem is at. */
  index: number;
  detail: string;
}

export interface AuditReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  problems: AuditProblem[];
}

/** Merkle tree hash of a growing list of leaves, kept as the roots of its perfect subtrees. */
class CompactRange {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  size = 0;

  push(leaf: Buffer): void {
    let node = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: hashChildren(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Buffer {
    let root = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) root = hashChildren(this.stack[i]!.hash, root);
    return root;
  }
}

/**
 * Recomputes the log from the stored entries alone and checks it against every signed checkpoint
 * and the stored tiles. Any edit, deletion or reordering of an entry changes a leaf, so it shows
 * up with its index: as a changed entry (its recorded leaf hash no longer matches), as a tile
 * mismatch, and as a checkpoint whose signed root the entries no longer produce.
 */
export async function auditLog(repo: RegistryRepository, verifierKey: string, onProgress?: (done: number) => void): Promise<AuditReport> {
  const problems: AuditProblem[] = [];
  const verifier = await parseVerifierKey(verifierKey, nodeCrypto);
  const checkpoints = await repo.allCheckpoints();
  const signedRoots = new Map<number, Buffer>();
  for (const c of checkpoints) {
    try {
      const opened = await openCheckpoint(c.note, verifier);
      if (opened.size !== Number(c.size)) throw new Error(`note says size ${opened.size}, the row ${c.size}`);
      signedRoots.set(opened.size, Buffer.from(opened.rootHash));
    } catch (error) {
      problems.push({ kind: 'checkpoint-signature', index: Number(c.size), detail: `checkpoint of size ${c.size}: ${(error as Error).message}` });
    }
  }
  const range = new CompactRange();
  const batch = 2048;
  let expected = 0;
  let tile: { index: number; hashes: Buffer | null } = { index: -1, hashes: null };
  const last = await repo.maxIndex();
  for (let from = 0; last !== null && from <= last; from += batch) {
    const rows = await repo.entriesBetween(from, from + batch);
    for (const row of rows) {
      const idx = Number(row.idx);
      for (; expected < idx; expected++) {
        problems.push({ kind: 'missing-entry', index: expected, detail: `entry ${expected} is missing (deleted?)` });
        range.push(Buffer.alloc(32)); // keep positions so later checkpoints are checked at the right sizes
        checkAt(range, signedRoots, problems);
      }
      const leaf = hashLeaf(Buffer.from(row.entry, 'utf8'));
      if (leaf.toString('base64') !== row.leaf_hash) problems.push({ kind: 'entry-changed', index: idx, detail: `entry ${idx} no longer hashes to the leaf recorded when it was sequenced` });
      const tileIndex = Math.floor(idx / TILE_WIDTH);
      if (tile.index !== tileIndex) tile = { index: tileIndex, hashes: (await repo.getTile(0, tileIndex))?.hashes ?? null };
      const stored = tile.hashes?.subarray((idx % TILE_WIDTH) * 32, (idx % TILE_WIDTH) * 32 + 32);
      if (!stored || stored.length < 32 || !stored.equals(leaf)) problems.push({ kind: 'tile-mismatch', index: idx, detail: `hash tile 0/${tileIndex} does not hold entry ${idx}'s leaf hash` });
      range.push(leaf);
      expected = idx + 1;
      checkAt(range, signedRoots, problems);
    }
    onProgress?.(expected);
  }
  for (const size of signedRoots.keys()) {
    if (size > range.size) problems.push({ kind: 'checkpoint-beyond-entries', index: size, detail: `a checkpoint signs size ${size} but only ${range.size} entries are stored` });
  }
  return { ok: problems.length === 0, entries: range.size, checkpoints: checkpoints.length, problems };
}

function checkAt(range: CompactRange, signedRoots: Map<number, Buffer>, problems: AuditProblem[]): void {
  const signed = signedRoots.get(range.size);
  if (signed && !range.root().equals(signed)) {
    problems.push({ kind: 'checkpoint-root-mismatch', index: range.size, detail: `the stored entries do not produce the root signed at size ${range.size}` });
  }
}
