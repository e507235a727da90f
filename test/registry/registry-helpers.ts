import { createHash } from 'node:crypto';
import type { App } from '../../src/app.js';
import { newId } from '../../src/platform/ids.js';
import { openCheckpoint } from '../../src/registry/checkpoint.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { encodeEntry } from '../../src/registry/entry.js';
import { hashLeaf } from '../../src/registry/merkle.js';
import { LeafNodeReader, rootAt } from '../../src/registry/merkle-proof.js';
import type { Receipt } from '../../src/registry/registry.service.js';
import { parseVerifierKey } from '../../src/registry/signed-note.js';
import { TileNodeReader } from '../../src/registry/tiles.js';

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** A valid canonical entry text whose content hash depends on `n` (for filling the log directly). */
export function entryText(n: number, acceptedAt = 1_795_360_000): string {
  return new TextDecoder().decode(
    encodeEntry({
      contentSha256: sha256Hex(`content ${n}`),
      registrant: `ed25519:${sha256Hex(`registrant ${n % 7}`).slice(0, 32)}`,
      role: 'author',
      termsSha256: null,
      fingerprints: [],
      acceptedAt,
    }),
  );
}

export interface LogInspection {
  entries: number;
  checkpoints: number[];
  pendingIds: string[];
  sequencedIds: string[];
}

/**
 * Checks the stored log against itself the way an auditor would: entries are indices 0‥n−1 with the
 * right leaf hashes; every checkpoint verifies with the log key and carries the root of exactly the
 * first `size` entries (so no checkpoint ever forked); the state row and the stored tiles agree with
 * the latest checkpoint; and no registration is both pending and sequenced.
 */
export async function inspectLog(app: App): Promise<LogInspection> {
  const db = app.database.db;
  const rows = await db.selectFrom('registry_entries').select(['idx', 'registration_id', 'leaf_hash', 'entry']).orderBy('idx').execute();
  rows.forEach((row, i) => {
    if (Number(row.idx) !== i) throw new Error(`entry index ${String(row.idx)} found where ${i} was expected (gap or duplicate)`);
    const leaf = hashLeaf(Buffer.from(row.entry, 'utf8'));
    if (leaf.toString('base64') !== row.leaf_hash) throw new Error(`entry ${i}: stored leaf hash is not hashLeaf(entry)`);
  });
  const leaves = rows.map((r) => hashLeaf(Buffer.from(r.entry, 'utf8')));
  const reader = new LeafNodeReader(leaves);
  const verifier = await parseVerifierKey(await app.registry.log.verifierKey(), nodeCrypto);
  const checkpoints = await db.selectFrom('registry_checkpoints').selectAll().orderBy('size').execute();
  for (const cp of checkpoints) {
    const size = Number(cp.size);
    if (size > rows.length) throw new Error(`checkpoint ${size} is larger than the ${rows.length} stored entries`);
    const opened = await openCheckpoint(cp.note, verifier);
    if (opened.size !== size) throw new Error(`checkpoint row ${size} holds a note of size ${opened.size}`);
    const expected = rootAt(size, reader).toString('base64');
    if (Buffer.from(opened.rootHash).toString('base64') !== expected || cp.root_hash !== expected) {
      throw new Error(`checkpoint ${size}: its root is not the root of the first ${size} entries (fork)`);
    }
  }
  const state = await db.selectFrom('registry_state').selectAll().executeTakeFirstOrThrow();
  const latest = checkpoints.at(-1);
  if (Number(state.size) !== rows.length) throw new Error(`state size ${String(state.size)} but ${rows.length} entries`);
  if (Number(latest?.size ?? 0) !== rows.length) throw new Error(`latest checkpoint ${String(latest?.size)} but ${rows.length} entries`);
  if (latest && state.root_hash !== latest.root_hash) throw new Error('state root differs from the latest checkpoint root');
  if (latest) {
    const tiles = await db.selectFrom('registry_tiles').select(['level', 'idx', 'hashes']).execute();
    const byKey = new Map(tiles.map((t) => [`${t.level}/${Number(t.idx)}`, Buffer.from(t.hashes)]));
    const fromTiles = rootAt(rows.length, new TileNodeReader((level, index) => byKey.get(`${level}/${index}`)));
    if (fromTiles.toString('base64') !== latest.root_hash) throw new Error('the stored tiles do not give the latest checkpoint root');
  }
  const pending = await db.selectFrom('registry_pending').select('id').execute();
  const sequencedIds = rows.map((r) => r.registration_id);
  const sequenced = new Set(sequencedIds);
  const both = pending.filter((p) => sequenced.has(p.id));
  if (both.length > 0) throw new Error(`${both.length} registrations are both pending and sequenced, e.g. ${both[0]!.id}`);
  return { entries: rows.length, checkpoints: checkpoints.map((c) => Number(c.size)), pendingIds: pending.map((p) => p.id), sequencedIds };
}

/** The inclusion-proof hash lines of a receipt's tlog-proof (between the index line and the blank line). */
export function proofHashLines(receipt: Receipt): string[] {
  const lines = receipt.proof.split('\n');
  const start = lines.findIndex((l) => l.startsWith('index ')) + 1;
  return lines.slice(start, lines.indexOf('', start));
}

/** Replaces a receipt's inclusion-proof hash lines, keeping everything else. */
export function withProofHashes(receipt: Receipt, hashes: string[]): Receipt {
  const lines = receipt.proof.split('\n');
  const start = lines.findIndex((l) => l.startsWith('index ')) + 1;
  const end = lines.indexOf('', start);
  return { ...receipt, proof: [...lines.slice(0, start), ...hashes, ...lines.slice(end)].join('\n') };
}

/** The signed checkpoint inside a receipt's tlog-proof. */
export function proofCheckpoint(receipt: Receipt): string {
  const lines = receipt.proof.split('\n');
  const start = lines.findIndex((l) => l.startsWith('index ')) + 1;
  return lines.slice(lines.indexOf('', start) + 1).join('\n');
}

/** Replaces the signed checkpoint inside a receipt's tlog-proof. */
export function withProofCheckpoint(receipt: Receipt, note: string): Receipt {
  const lines = receipt.proof.split('\n');
  const start = lines.findIndex((l) => l.startsWith('index ')) + 1;
  return { ...receipt, proof: [...lines.slice(0, lines.indexOf('', start) + 1)].join('\n') + '\n' + note };
}

/**
 * Works straight into the database (as an import leaves them, without files in the store): owned by
 * `ownerId`, each with its own file hash, fingerprinted (the first one with an ISCC line).
 */
export async function insertWorks(app: App, ownerId: string, count: number, visibility: (i: number) => string = () => 'public'): Promise<{ id: string; sha256: string }[]> {
  const now = new Date().toISOString();
  const works = Array.from({ length: count }, (_, i) => ({ id: newId(), sha256: sha256Hex(`bulk file ${newId()} ${i}`), visibility: visibility(i) }));
  const db = app.database.db;
  for (let i = 0; i < works.length; i += 200) {
    const chunk = works.slice(i, i + 200);
    await db
      .insertInto('works')
      .values(chunk.map((w) => ({ id: w.id, source_key: null, collection_id: null, owner_id: ownerId, visibility: w.visibility, work_type: 'image', version: 1, title_sort: w.id, industry: null, heritage: null, earliest_year: null, latest_year: null, period: null, medium_facet: null, institution_facet: null, rights_uri: null, place_key: null, geo_lat: null, geo_lon: null, primary_file_sha256: w.sha256, change_version: 0, download_policy: null, created_at: now, updated_at: now })))
      .execute();
    await db.insertInto('work_metadata').values(chunk.map((w) => ({ work_id: w.id, metadata: JSON.stringify({ title: { en: w.id } }) }))).execute();
    await db
      .insertInto('fingerprints')
      .values(chunk.map((w) => ({ sha256: w.sha256, status: 'unsupported' as const, reason: 'test', pdq: null, pdq_crops: null, crop_fractions: null, pdq_on_black: null, pdq_quality: null, iscc: w === works[0] ? JSON.stringify({ iscc: 'ISCC:KEC43HJLPUSHVAZT' }) : null, width: null, height: null, pages: null, change_version: 0, created_at: now })))
      .execute();
  }
  return works;
}
