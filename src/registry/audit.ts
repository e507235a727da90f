import { HistoryAudit, type HistoryProblemKind } from './audit-history.js';
import { openCheckpoint } from './checkpoint.js';
import { nodeCrypto } from './crypto-node.js';
import { hashChildren, hashLeaf } from './merkle.js';
import { openingMismatch } from './commitment.js';
import { decodeEntry } from './entry.js';
import type { EntryRow, RegistryRepository } from './registry.repository.js';
import { parseVerifierKey } from './signed-note.js';
import { TILE_WIDTH } from './tiles.js';

export type AuditProblemKind =
  | 'missing-entry' | 'entry-changed' | 'tile-mismatch' | 'checkpoint-root-mismatch' | 'checkpoint-signature' | 'checkpoint-beyond-entries'
  // The database's links against what a version 2 entry signs, and the openings of sealed entries.
  | 'registration-mismatch' | 'work-mismatch' | 'entry-unreadable' | 'opening-missing' | 'opening-mismatch'
  // The checkpoint history, sequencing times and registration requests (audit-history.ts).
  | HistoryProblemKind;

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
  /** Version 1 entries: they do not sign their registration and work, so those links cannot be checked. */
  unboundEntries: number;
  /** Since which tree size entries must go back to sealed requests (null: the history has not begun), how many entries are older, and the pending and refused rows. */
  history: { historySince: number | null; legacyEntries: number; pending: number; rejected: number };
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
export async function auditLog(
  repo: RegistryRepository, verifierKey: string, onProgress?: (done: number) => void,
  /** `historySince`: the tree size the history marker file records (TransparencyLog.historySince()); default 0, all entries sealed. */
  options: { historySince?: number | null } = {},
): Promise<AuditReport> {
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
  const history = await HistoryAudit.open(repo, verifier, checkpoints, options.historySince === undefined ? 0 : options.historySince, problems);
  const range = new CompactRange();
  const batch = 2048;
  let expected = 0;
  let tile: { index: number; hashes: Buffer | null } = { index: -1, hashes: null };
  let unboundEntries = 0;
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
    unboundEntries += await checkBindings(repo, rows, problems);
    await history.checkEntries(rows);
    onProgress?.(expected);
  }
  for (const size of signedRoots.keys()) {
    if (size > range.size) problems.push({ kind: 'checkpoint-beyond-entries', index: size, detail: `a checkpoint signs size ${size} but only ${range.size} entries are stored` });
  }
  const historyReport = await history.finish(range.size);
  return { ok: problems.length === 0, entries: range.size, checkpoints: checkpoints.length, unboundEntries, history: historyReport, problems };
}

/**
 * What the database says of each entry against what the entry signs: its registration id and work
 * (a row pointed at another work, or re-labelled, shows here even though the tree is intact), and
 * for a sealed entry, that its stored opening still opens it (else its receipts could not prove the
 * file). Returns how many entries are version 1 and so cannot be checked.
 */
async function checkBindings(repo: RegistryRepository, rows: EntryRow[], problems: AuditProblem[]): Promise<number> {
  let unbound = 0;
  const decoded = rows.map((row) => {
    try {
      return decodeEntry(Buffer.from(row.entry, 'utf8'));
    } catch (error) {
      problems.push({ kind: 'entry-unreadable', index: Number(row.idx), detail: `entry ${row.idx} is not a valid entry: ${(error as Error).message}` });
      return null;
    }
  });
  const openings = await repo.openingsOf(rows.filter((_, k) => decoded[k]?.sealed).map((r) => r.registration_id));
  for (const [k, row] of rows.entries()) {
    const entry = decoded[k];
    if (!entry) continue;
    const idx = Number(row.idx);
    if (entry.version === 1) {
      unbound++;
      continue;
    }
    if (entry.registrationId !== row.registration_id) {
      problems.push({ kind: 'registration-mismatch', index: idx, detail: `entry ${idx} signs registration ${entry.registrationId}, but the database files it as registration ${row.registration_id}` });
    }
    if (entry.workId !== row.work_id) {
      const name = (id: string | null) => (id === null ? 'no work' : `work ${id}`);
      problems.push({ kind: 'work-mismatch', index: idx, detail: `entry ${idx} (registration ${entry.registrationId}) signs ${name(entry.workId)}, but the database links it to ${name(row.work_id)}: the registration was pointed at another work` });
    }
    if (entry.sealed) {
      const opening = openings.get(row.registration_id);
      if (!opening) {
        problems.push({ kind: 'opening-missing', index: idx, detail: `entry ${idx} is sealed but its opening (salt) is missing: its receipts can no longer prove the file` });
        continue;
      }
      let fingerprints: string[] = [];
      try {
        fingerprints = JSON.parse(opening.fingerprints) as string[];
      } catch {
        fingerprints = [opening.fingerprints];
      }
      const mismatch = await openingMismatch(nodeCrypto, entry.sealed, { salt: opening.salt, contentSha256: opening.content_sha256, termsSha256: opening.terms_sha256, fingerprints });
      if (mismatch) problems.push({ kind: 'opening-mismatch', index: idx, detail: `entry ${idx}: the stored opening does not open the entry (${mismatch})` });
    }
  }
  return unbound;
}

function checkAt(range: CompactRange, signedRoots: Map<number, Buffer>, problems: AuditProblem[]): void {
  const signed = signedRoots.get(range.size);
  if (signed && !range.root().equals(signed)) {
    problems.push({ kind: 'checkpoint-root-mismatch', index: range.size, detail: `the stored entries do not produce the root signed at size ${range.size}` });
  }
}
