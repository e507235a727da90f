import type { Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.js';
import { AppError } from '../platform/errors.js';
import { signCheckpoint } from './checkpoint.js';
import { signHistory } from './checkpoint-history.js';
import { verifyCosignedCheckpoint, type WitnessPolicy } from './cosignature.js';
import { nodeCrypto } from './crypto-node.js';
import type { KeyStore } from '../platform/keystore.js';
import { hashLeaf } from './merkle.js';
import { consistencyProof, inclusionProof, rootAt, type NodeReader } from './merkle-proof.js';
import type { AcceptedRegistration, PendingRow, RegistryRepository } from './registry.repository.js';
import { generateKey, parseNote, parseSignerKey, parseVerifierKey, type Ed25519Signer } from './signed-note.js';
import { buildPyramid, PyramidNodeReader } from './tile-pyramid.js';
import { appendLeaves, NodeCache, rightEdgeTiles, TILE_WIDTH, TileNodeReader, tilesRead, type TileRef } from './tiles.js';
import { formatTlogProof } from './tlog-proof.js';
import type { WitnessClient } from './witness-client.js';

/** Witness cosigning: checkpoints count only once `policy.quorum` of the policy's witnesses cosigned them. */
export interface LogWitnessing {
  client: WitnessClient;
  policy: WitnessPolicy;
  onError?: (error: unknown) => void;
}

export interface SequenceResult {
  sequenced: number;
  /** Pending rows refused because no valid registration request backs them (moved to registry_rejected). */
  refused?: number;
  treeSize: number;
}

/**
 * A file in `<dataDir>/keys` (out of the database's reach) recording when the checkpoint history and
 * request seals began: before it exists, the first sequencing adopts what 0009 found (numbers the
 * checkpoints signed before, seals the registrations then pending); after, nothing unsealed is adopted.
 */
export const HISTORY_MARKER_FILE = 'registry-history.json';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
/** The log's signing key, in `<dataDir>/keys`. */
const LOG_KEY_FILE = 'log.key';

/**
 * The append-only Merkle log (RFC 6962 hashing, C2SP tiles and checkpoints). Sequencing moves a
 * batch of pending registrations into the tree in one database transaction that also writes the
 * changed tiles and the newly signed checkpoint: a crash before the commit leaves the batch
 * pending, after it the batch is fully in the tree, and the state-row lock means no two
 * sequencers ever extend the same tree size (no fork).
 */
export class TransparencyLog {
  private signerPromise: Promise<Ed25519Signer> | null = null;
  // Full tiles never change in an append-only log, so their node pyramids can be kept safely.
  private readonly pyramids = new Map<string, Buffer>();
  private static readonly MAX_PYRAMIDS = 4096; // 4096 × 16 KiB = 64 MiB
  // Complete nodes hashed from other tiles (notably the right edge every proof shares) are kept too.
  private readonly nodes = new NodeCache(50_000);

  constructor(
    private readonly repo: RegistryRepository,
    private readonly keystore: KeyStore,
    /** The origin to name a new key with; throws (setup_required) while the instance has not settled it. */
    private readonly originForNewKey: () => Promise<string>,
    private readonly witnessing?: LogWitnessing,
  ) {}

  /**
   * The log's signing key, created on first use (the first registration, or the first request for
   * the key) with the origin setup settled; its name is the log's origin for good. Before setup it
   * throws, and the refusal is not remembered: the next call asks again.
   */
  signer(): Promise<Ed25519Signer> {
    if (!this.signerPromise) {
      const made = (async () => {
        let stored = this.keystore.read(LOG_KEY_FILE);
        if (stored === null) {
          const fresh = await generateKey(await this.originForNewKey(), nodeCrypto);
          stored = this.keystore.readOrCreate(LOG_KEY_FILE, () => fresh.signerKey);
        }
        return parseSignerKey(stored, nodeCrypto);
      })();
      this.signerPromise = made;
      made.catch(() => {
        if (this.signerPromise === made) this.signerPromise = null;
      });
    }
    return this.signerPromise;
  }

  /** The origin the log's key carries, or null before the key exists (never creates it). */
  async existingOrigin(): Promise<string | null> {
    const stored = this.keystore.read(LOG_KEY_FILE);
    return stored === null ? null : (await parseSignerKey(stored, nodeCrypto)).name;
  }

  /**
   * The verifier key of the log's key, or null before the key exists; never creates it (that fixes the
   * origin). Before setup it throws setup_required, as making the key would.
   */
  async existingVerifierKey(): Promise<string | null> {
    const stored = this.keystore.read(LOG_KEY_FILE);
    if (stored !== null) return (await parseSignerKey(stored, nodeCrypto)).verifierKey;
    await this.originForNewKey();
    return null;
  }

  async origin(): Promise<string> {
    return (await this.signer()).name;
  }

  /** The verifier key (`name+id+key`) that clients pin to check checkpoints. */
  async verifierKey(): Promise<string> {
    return (await this.signer()).verifierKey;
  }

  /** Moves up to `maxBatch` pending registrations into the tree and signs a checkpoint. */
  async sequence(maxBatch = 4096): Promise<SequenceResult> {
    const signer = await this.signer();
    // Durable: a signed checkpoint lost in a power cut could let the log sign another tree of the same size.
    const adopting = !this.historyStarted();
    const result = await this.repo.durableTransaction(async (trx): Promise<SequenceResult & { since: number }> => {
      const state = await this.repo.lockState(trx);
      if (adopting) await this.adoptLegacy(trx, signer);
      const { admitted: pending, refused } = await this.admit(trx, await this.repo.takePending(trx, maxBatch));
      if (pending.length === 0) return { sequenced: 0, refused, treeSize: state.size, since: state.size };
      const treeSize = await this.append(trx, signer, state, pending);
      await this.repo.deletePending(trx, pending.map((p) => p.id));
      return { sequenced: pending.length, refused, treeSize, since: state.size };
    });
    if (adopting) this.keystore.readOrCreate(HISTORY_MARKER_FILE, () => JSON.stringify({ since: result.since, at: new Date().toISOString() }));
    // Outside the transaction: witnesses are asked after the commit, and their failures never undo it.
    if (result.sequenced > 0) await this.cosignLatest();
    return result;
  }

  /**
   * Accepts and sequences a bulk run's registrations in one durable transaction: their requests
   * (and openings) are written with their entries, tiles and the signed checkpoint, so there is no
   * pending round (one commit, no pending row written, read or deleted). Only for `holder`, the
   * process holding the sequencer's lease: the lease is checked under the state-row lock, which no
   * one can take it over through until the commit, so a process that lost it commits nothing.
   * Returns null, having written nothing, when `holder` does not hold the lease; the caller then
   * leaves them pending.
   */
  async sequenceAccepted(accepted: AcceptedRegistration[], holder: string): Promise<SequenceResult | null> {
    if (accepted.length === 0) return null;
    // A new log's (or one upgraded from before 0009) first sequencing begins the history; this path never adopts.
    if (!this.historyStarted()) await this.sequence();
    if (!this.historyStarted()) return null;
    const signer = await this.signer();
    const result = await this.repo.durableTransaction(async (trx): Promise<SequenceResult | null> => {
      const state = await this.repo.lockState(trx);
      if (state.leaseHolder !== holder || state.leaseUntil === null || Date.parse(state.leaseUntil) <= Date.now()) return null;
      await this.repo.insertAccepted(trx, accepted);
      const treeSize = await this.append(trx, signer, state, accepted.map((a) => a.row));
      return { sequenced: accepted.length, treeSize };
    });
    if (result) await this.cosignLatest();
    return result;
  }

  /** Appends `rows` to the tree of `state` inside `trx`: entries, changed tiles, signed checkpoint and history, state. */
  private async append(trx: Transaction<DB>, signer: Ed25519Signer, state: { size: number }, rows: PendingRow[]): Promise<number> {
    const edge = await this.fetchTiles(rightEdgeTiles(state.size), trx);
    const leaves = rows.map((p) => hashLeaf(Buffer.from(p.entry, 'utf8')));
    const appended = appendLeaves(state.size, leaves, (level, index) => edge.get(`${level}/${index}`));
    const now = new Date().toISOString();
    await this.repo.insertEntries(
      trx,
      rows.map((p, k) => ({ idx: state.size + k, registration_id: p.id, leaf_hash: b64(leaves[k]!), entry: p.entry, work_id: p.work_id, user_id: p.user_id, sequenced_at: now })),
    );
    await this.repo.putTiles(trx, appended.tiles);
    const rootHash = b64(appended.root);
    const note = await signCheckpoint({ origin: signer.name, size: appended.treeSize, rootHash: appended.root, extensions: [] }, signer);
    // The history links this checkpoint to the one before, with its time, under the log key.
    const last = await this.repo.lastInHistory(trx);
    const seq = Number(last?.seq ?? 0) + 1;
    const prev = last ? { seq: Number(last.seq), size: Number(last.size), rootHash: last.root_hash } : null;
    const history = await signHistory({ origin: signer.name, seq, size: appended.treeSize, rootHash, time: now, prev }, signer);
    await this.repo.insertCheckpoint(trx, { size: appended.treeSize, root_hash: rootHash, note, created_at: now, seq, history });
    await this.repo.setState(trx, appended.treeSize, rootHash);
    return appended.treeSize;
  }

  /** Whether the checkpoint history and request seals have begun (the marker file exists; read each time, it is small). */
  historyStarted(): boolean {
    return this.keystore.read(HISTORY_MARKER_FILE) !== null;
  }

  /** The tree size from which every entry must have a sealed request, or null before the history began. */
  historySince(): number | null {
    const text = this.keystore.read(HISTORY_MARKER_FILE);
    if (text === null) return null;
    const since = (JSON.parse(text) as { since?: unknown }).since;
    return typeof since === 'number' && Number.isSafeInteger(since) && since >= 0 ? since : 0;
  }

  /**
   * Keeps the pending rows whose registration request exists and whose seal verifies; the rest were
   * written into the database by something other than a registration, and are moved aside (the
   * audit reports them) instead of entering the log.
   */
  private async admit(trx: Transaction<DB>, taken: PendingRow[]): Promise<{ admitted: PendingRow[]; refused: number }> {
    if (taken.length === 0) return { admitted: [], refused: 0 };
    const requests = await this.repo.requestsFor(taken.map((p) => p.id), trx);
    const admitted: PendingRow[] = [];
    const refused: { row: PendingRow; reason: string }[] = [];
    for (const row of taken) {
      const request = requests.get(row.id);
      const sealed = request && this.repo.sealer.verify({ registrationId: row.id, requestKey: request.request_key, generation: request.generation, entry: row.entry, workId: row.work_id, userId: row.user_id, createdAt: request.created_at }, request.seal);
      if (sealed) admitted.push(row);
      else refused.push({ row, reason: request ? 'the registration request’s seal does not verify (changed in the database?)' : 'no registration request (written into the database directly?)' });
    }
    await this.repo.rejectPending(trx, refused, new Date().toISOString());
    return { admitted, refused: refused.length };
  }

  /**
   * Once, when the history begins (after upgrading to 0009): numbers and links the checkpoints signed
   * before, and seals the requests 0009 made for the registrations then pending.
   */
  private async adoptLegacy(trx: Transaction<DB>, signer: Ed25519Signer): Promise<void> {
    let last = await this.repo.lastInHistory(trx);
    for (const row of await this.repo.outsideHistory(trx)) {
      const seq = Number(last?.seq ?? 0) + 1;
      const time = new Date(row.created_at).toISOString();
      const prev = last ? { seq: Number(last.seq), size: Number(last.size), rootHash: last.root_hash } : null;
      const history = await signHistory({ origin: signer.name, seq, size: Number(row.size), rootHash: row.root_hash, time, prev }, signer);
      await this.repo.setHistory(trx, Number(row.size), seq, history);
      last = { ...row, seq, history };
    }
    for (const { row, request } of await this.repo.unsealedPending(trx)) {
      const seal = this.repo.sealer.seal({ registrationId: row.id, requestKey: request.request_key, generation: request.generation, entry: row.entry, workId: row.work_id, userId: row.user_id, createdAt: request.created_at });
      await this.repo.setSeal(trx, row.id, seal);
    }
  }

  /**
   * Sends the latest checkpoint to the witnesses and appends the cosignatures they return to its
   * stored note (the log's signature stays first). Failures are reported, never thrown: the next
   * sequencing tries again.
   */
  async cosignLatest(): Promise<void> {
    const witnessing = this.witnessing;
    if (!witnessing || witnessing.client.witnesses.length === 0) return;
    try {
      const row = await this.repo.latestCheckpoint();
      if (!row) return;
      const size = Number(row.size);
      const note = await witnessing.client.cosign(row.note, size, (old) => this.consistencyProof(old, size));
      if (note === row.note) return;
      const before = parseNote(row.note);
      const after = parseNote(note);
      const first = (n: typeof before) => n.signatures[0] && `${n.signatures[0].name}+${n.signatures[0].keyId}+${Buffer.from(n.signatures[0].signature).toString('base64')}`;
      if (after.text !== before.text || first(after) !== first(before)) throw new Error('cosigning changed the checkpoint text or the log signature');
      // Only if nobody changed the note meanwhile (another node's cosignatures win; ours come next time).
      await this.repo.database.durable((db) => db.updateTable('registry_checkpoints').set({ note }).where('size', '=', size).where('note', '=', row.note).execute());
    } catch (error) {
      witnessing.onError?.(error);
    }
  }

  /** With a witness quorum: asks the witnesses again when the newest checkpoint does not count yet (e.g. they were down). */
  async cosignIfBehind(): Promise<void> {
    if (!this.witnessing || this.witnessing.policy.quorum === 0) return;
    const newest = await this.repo.latestCheckpoint();
    const counted = await this.latestCheckpoint();
    if (newest && (!counted || counted.size < Number(newest.size))) await this.cosignLatest();
  }

  /** Sequences until nothing is pending (CLI runs and tests), or until `keepGoing` says stop. */
  async drain(keepGoing?: () => Promise<boolean>): Promise<number> {
    let total = 0;
    for (;;) {
      const { sequenced, refused } = await this.sequence();
      if (sequenced === 0 && !refused) return total;
      total += sequenced;
      // Asked between batches: a sequencer that lost its lease stops, one that holds it renews it.
      if (keepGoing && !(await keepGoing())) return total;
    }
  }

  /** The latest checkpoint that counts: the latest signed one, or with a witness quorum, the latest cosigned by enough witnesses. */
  async latestCheckpoint(): Promise<{ size: number; note: string; rootHash: string } | null> {
    // Before the first checkpoint there is none to count; asking the signer then would make the key.
    if (this.witnessing && this.witnessing.policy.quorum > 0) return (await this.repo.latestCheckpoint()) ? this.latestCosignedCheckpoint(this.witnessing.policy) : null;
    return this.repo.latestCheckpoint().then((c) => (c ? { size: Number(c.size), note: c.note, rootHash: c.root_hash } : null));
  }

  /**
   * The checkpoint a receipt for entry `index` is built on: the first that covers it and counts (with
   * a witness quorum, the first cosigned one), so a receipt and its certificate never change as the
   * log grows; later checkpoints are shown separately, with a consistency proof to them.
   */
  async receiptCheckpoint(index: number): Promise<{ size: number; note: string; rootHash: string } | null> {
    const quorum = this.witnessing && this.witnessing.policy.quorum > 0 ? this.witnessing.policy : null;
    const verifier = quorum ? await parseVerifierKey((await this.signer()).verifierKey, nodeCrypto) : null;
    for (let above = index; ; ) {
      const rows = await this.repo.db.selectFrom('registry_checkpoints').selectAll().where('size', '>', above).orderBy('size').limit(64).execute();
      for (const row of rows) {
        if (quorum && verifier) {
          try {
            await verifyCosignedCheckpoint(row.note, verifier, quorum);
          } catch {
            continue; // not cosigned by enough witnesses: a later one will be
          }
        }
        return { size: Number(row.size), note: row.note, rootHash: row.root_hash };
      }
      if (rows.length < 64) return null;
      above = Number(rows.at(-1)!.size);
    }
  }

  /** Size of the latest checkpoint seen to carry a quorum (only grows: older ones are not searched again). */
  private countedSize = 0;

  private async latestCosignedCheckpoint(policy: WitnessPolicy): Promise<{ size: number; note: string; rootHash: string } | null> {
    const verifier = await parseVerifierKey((await this.signer()).verifierKey, nodeCrypto);
    let below = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.repo.db
        .selectFrom('registry_checkpoints').selectAll()
        .where('size', '>=', this.countedSize).where('size', '<', below)
        .orderBy('size', 'desc').limit(64).execute();
      for (const row of rows) {
        try {
          await verifyCosignedCheckpoint(row.note, verifier, policy);
        } catch {
          continue; // not (yet) cosigned by enough witnesses
        }
        const size = Number(row.size);
        this.countedSize = Math.max(this.countedSize, size);
        return { size, note: row.note, rootHash: row.root_hash };
      }
      if (rows.length < 64) return null;
      below = Number(rows.at(-1)!.size);
    }
  }

  /** Refuses proofs for tree sizes that no signed checkpoint has published. */
  async requirePublished(treeSize: number): Promise<void> {
    const latest = await this.latestCheckpoint();
    if (!latest || treeSize > latest.size) throw new AppError('not_found', `tree size ${treeSize} has not been published (latest checkpoint: ${latest?.size ?? 0})`, { key: 'registry.tree_size_unpublished', params: { size: treeSize, latest: latest?.size ?? 0 } });
  }

  async tile(level: number, index: number): Promise<{ width: number; hashes: Buffer } | undefined> {
    return this.repo.getTile(level, index);
  }

  /** Canonical entry texts [from, to). */
  async entries(from: number, to: number): Promise<string[]> {
    return (await this.repo.entriesBetween(from, to)).map((e) => e.entry);
  }

  async indexOfLeaf(leafHashBase64OrHex: string): Promise<number | null> {
    const b64 = /^[0-9a-f]{64}$/.test(leafHashBase64OrHex) ? Buffer.from(leafHashBase64OrHex, 'hex').toString('base64') : leafHashBase64OrHex;
    const rows = await this.repo.entriesByLeafHash(b64);
    return rows[0] ? Number(rows[0].idx) : null;
  }

  async inclusionProof(index: number, treeSize: number): Promise<Buffer[]> {
    return this.withReader((reader) => inclusionProof(index, treeSize, reader));
  }

  async consistencyProof(size1: number, size2: number): Promise<Buffer[]> {
    return this.withReader((reader) => consistencyProof(size1, size2, reader));
  }

  async rootAt(treeSize: number): Promise<Buffer> {
    return this.withReader((reader) => rootAt(treeSize, reader));
  }

  /** The C2SP tlog-proof for entry `index` against the checkpoint of size `treeSize` (extra = the entry). */
  async tlogProof(index: number, entry: string, checkpoint: { size: number; note: string }): Promise<string> {
    const proof = await this.inclusionProof(index, checkpoint.size);
    return formatTlogProof({ extra: Buffer.from(entry, 'utf8'), index, inclusionProof: proof, checkpoint: checkpoint.note });
  }

  /** Runs a proof computation over stored tiles: a dry run finds the tiles, one read fetches them. */
  private async withReader<T>(compute: (reader: NodeReader) => T): Promise<T> {
    const tiles = await this.fetchTiles(tilesRead(compute));
    const plain = new TileNodeReader((level, index) => tiles.get(`${level}/${index}`), this.nodes);
    return compute(new PyramidNodeReader((level, index) => this.pyramids.get(`${level}/${index}`), plain));
  }

  private async fetchTiles(refs: TileRef[], executor?: Transaction<DB>): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const wanted = refs.filter((ref) => executor || !this.pyramids.has(`${ref.level}/${ref.index}`));
    // One query for every tile a proof needs, instead of one round trip each.
    for (const tile of await this.repo.getTiles(wanted, executor)) {
      const key = `${tile.level}/${tile.index}`;
      out.set(key, tile.hashes);
      // Pyramids only for full tiles above level 0 (few, shared by every proof), and only when read
      // outside a transaction (a tile seen inside one might yet be rolled back). Level-0 tiles are
      // too many to keep; a proof needs one of them, hashed on demand.
      if (tile.width === TILE_WIDTH && tile.level > 0 && !executor) {
        if (this.pyramids.size >= TransparencyLog.MAX_PYRAMIDS) this.pyramids.delete(this.pyramids.keys().next().value as string);
        this.pyramids.set(key, buildPyramid(tile.hashes));
      }
    }
    return out;
  }
}
