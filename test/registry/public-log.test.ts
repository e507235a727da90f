import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { openCheckpoint, type OpenedCheckpoint } from '../../src/registry/checkpoint.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { decodeEntry } from '../../src/registry/entry.js';
import { HASH_SIZE, hashLeaf, rootOf, verifyConsistency, verifyInclusion } from '../../src/registry/merkle.js';
import { rootAt } from '../../src/registry/merkle-proof.js';
import { parseVerifierKey } from '../../src/registry/signed-note.js';
import { entriesPath, nodeFromTile, TileNodeReader, tilePath, tilesRead, tileWidth, TILE_WIDTH } from '../../src/registry/tiles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { inspectLog, sha256Hex } from './registry-helpers.js';

/**
 * The public, read-only log as a third party sees it: the verifier key, the signed checkpoint,
 * C2SP hash tiles and entry bundles, and proofs — all checked using nothing but HTTP answers, so a
 * mirror that copies these static paths can audit the log.
 */
describe.each(await testDialects())('public transparency log (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let actor: Actor;
  let workId: string;
  let verifierKey: string;
  /** Checkpoints fetched over HTTP at earlier sizes, kept to check consistency later. */
  const kept = new Map<number, OpenedCheckpoint>();

  const get = (url: string) => ctx.server.inject({ method: 'GET', url: `/api/registry/${url}` });

  async function fetchCheckpoint(): Promise<OpenedCheckpoint> {
    const res = await get('checkpoint');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return openCheckpoint(res.body, await parseVerifierKey(verifierKey, nodeCrypto));
  }

  /** Registers `count` more registrations (distinct entries through distinct terms) and sequences them. */
  async function grow(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await ctx.app.registry.register(actor, workId, { termsSha256: sha256Hex(`terms ${dialect} ${Math.random()}`) });
    }
    await ctx.app.registry.sequencePending();
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'logowner');
    actor = { kind: 'user', id: owner.id, username: 'logowner', role: 'creator' };
    workId = (await uploadImage(ctx, owner.headers, 77, { visibility: 'public' })).workId;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('publishes nothing before the first registration (not even the key, whose making fixes the origin)', async () => {
    expect((await get('key')).statusCode).toBe(404);
    expect((await get('checkpoint')).statusCode).toBe(404);
    expect((await get('tile/0/000.p/1')).statusCode).toBe(404);
    expect((await get('tile/entries/000.p/1')).statusCode).toBe(404);
    expect((await get('proof/inclusion?index=0')).statusCode).toBe(404);
    expect((await get('proof/consistency?from=1&to=1')).statusCode).toBe(404);
  });

  it('publishes the key from the first registration, named by the origin setup settled', async () => {
    const first = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/registrations`, headers: owner.headers, payload: { wait: false } });
    expect(first.statusCode).toBe(202);
    const key = await get('key');
    expect(key.statusCode).toBe(200);
    expect(key.headers['content-type']).toMatch(/^text\/plain/);
    verifierKey = key.body.trim();
    expect(verifierKey).toBe(await ctx.app.registry.log.verifierKey());
    expect((await parseVerifierKey(verifierKey, nodeCrypto)).name).toBe(ctx.app.config.registryOrigin);
  });

  it('signs a checkpoint per sequenced batch (sizes 1, 100, 300)', async () => {
    await ctx.app.registry.sequencePending();
    kept.set(1, await fetchCheckpoint());
    await grow(99);
    kept.set(100, await fetchCheckpoint());
    await grow(200);
    const latest = await fetchCheckpoint();
    kept.set(300, latest);
    expect([...kept.values()].map((c) => c.size)).toEqual([1, 100, 300]);
    expect(latest.origin).toBe(ctx.app.config.registryOrigin);
    expect(Buffer.from(latest.rootHash).equals(await ctx.app.registry.log.rootAt(300))).toBe(true);
  });

  it('serves full and partial hash tiles of the published tree only', async () => {
    const full = await get('tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toContain('immutable');
    expect(full.rawPayload.length).toBe(TILE_WIDTH * HASH_SIZE);

    const partial = await get('tile/0/001.p/44');
    expect(partial.statusCode).toBe(200);
    expect(partial.rawPayload.length).toBe(44 * HASH_SIZE);
    expect(partial.headers['cache-control']).not.toContain('immutable');
    // A narrower partial tile is a prefix of the wider one.
    const narrower = await get('tile/0/001.p/3');
    expect(narrower.rawPayload.equals(partial.rawPayload.subarray(0, 3 * HASH_SIZE))).toBe(true);

    // Level 1 holds the root of the one full level-0 tile.
    const level1 = await get('tile/1/000.p/1');
    expect(level1.statusCode).toBe(200);
    expect(level1.rawPayload.equals(nodeFromTile(full.rawPayload, 0, TILE_WIDTH))).toBe(true);

    // Beyond the published size: 404.
    for (const path of ['tile/0/001.p/45', 'tile/0/001', 'tile/0/002.p/1', 'tile/1/000.p/2', 'tile/1/000', 'tile/2/000.p/1', 'tile/entries/001.p/45', 'tile/entries/001']) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
    }
  });

  it('answers 404 for tile paths that are not canonical C2SP paths', async () => {
    for (const path of [
      'tile/0/0', 'tile/0/00', 'tile/0/0000', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/044', 'tile/0/000.p/abc',
      'tile/0/000.p/', 'tile/0/000.q/4', 'tile/00/000', 'tile/64/000', 'tile/-1/000', 'tile/x/000', 'tile/0/x000/000',
      'tile/0/x001', 'tile/0/', 'tile/0', 'tile/', 'tile/entries', 'tile/entries/', 'tile/entries/000.p/1/2', 'tile/0/000/',
      `tile/0/${'x999/'.repeat(20)}000`,
    ]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect((res.json() as { error: { code: string } }).error.code, path).toBe('not_found');
    }
  });

  it('serves entry bundles whose entries hash to the level-0 tile hashes', async () => {
    for (const [bundle, tile, count] of [['tile/entries/000', 'tile/0/000', 256], ['tile/entries/001.p/44', 'tile/0/001.p/44', 44]] as const) {
      const res = await get(bundle);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      const entries = parseBundle(res.rawPayload);
      expect(entries.length).toBe(count);
      const hashes = (await get(tile)).rawPayload;
      entries.forEach((entry, i) => {
        expect(hashLeaf(entry).equals(hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)), `${bundle} entry ${i}`).toBe(true);
        expect(decodeEntry(entry).contentSha256).toMatch(/^[0-9a-f]{64}$/);
      });
    }
  });

  it('can be audited by a third party with static GETs alone: tiles and entry bundles give the checkpoint root', async () => {
    // Pin the key, fetch the checkpoint, then only the tiles a root computation reads.
    const key = await parseVerifierKey((await get('key')).body.trim(), nodeCrypto);
    const checkpoint = await openCheckpoint((await get('checkpoint')).body, key);
    const size = checkpoint.size;
    const tiles = new Map<string, Buffer>();
    for (const ref of tilesRead((reader) => rootAt(size, reader))) {
      const width = tileWidth(ref.level, ref.index, size);
      const res = await get(tilePath({ level: ref.level, index: ref.index, width }));
      expect(res.statusCode).toBe(200);
      tiles.set(`${ref.level}/${ref.index}`, res.rawPayload);
    }
    expect(rootAt(size, new TileNodeReader((level, index) => tiles.get(`${level}/${index}`))).equals(Buffer.from(checkpoint.rootHash))).toBe(true);

    // And from the entries themselves, bundle by bundle.
    const leaves: Buffer[] = [];
    for (let index = 0; index * TILE_WIDTH < size; index++) {
      const width = tileWidth(0, index, size);
      const res = await get(entriesPath(index, width));
      expect(res.statusCode).toBe(200);
      leaves.push(...parseBundle(res.rawPayload).map((e) => hashLeaf(e)));
    }
    expect(leaves.length).toBe(size);
    expect(rootOf(leaves).equals(Buffer.from(checkpoint.rootHash))).toBe(true);
  });

  it('proves inclusion by index and by leaf hash, at the latest and at an older published size', async () => {
    const bundle = parseBundle((await get('tile/entries/000')).rawPayload);
    const latest = kept.get(300)!;
    for (const index of [0, 1, 99, 255]) {
      const res = await get(`proof/inclusion?index=${index}&treeSize=300`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { index: number; treeSize: number; proof: string[] };
      expect(body).toMatchObject({ index, treeSize: 300 });
      verifyInclusion(hashLeaf(bundle[index]!), index, 300, body.proof.map((h) => Buffer.from(h, 'base64')), latest.rootHash);
    }
    // Without treeSize: the latest checkpoint.
    const last = parseBundle((await get('tile/entries/001.p/44')).rawPayload)[43]!;
    const atLatest = (await get('proof/inclusion?index=299')).json() as { treeSize: number; proof: string[] };
    expect(atLatest.treeSize).toBe(300);
    verifyInclusion(hashLeaf(last), 299, 300, atLatest.proof.map((h) => Buffer.from(h, 'base64')), latest.rootHash);

    // At size 100, against the checkpoint kept from then.
    const old = (await get('proof/inclusion?index=42&treeSize=100')).json() as { proof: string[] };
    verifyInclusion(hashLeaf(bundle[42]!), 42, 100, old.proof.map((h) => Buffer.from(h, 'base64')), kept.get(100)!.rootHash);

    // By leaf hash, hex or (URL-encoded) base64.
    const leaf = hashLeaf(bundle[7]!);
    for (const form of [leaf.toString('hex'), encodeURIComponent(leaf.toString('base64'))]) {
      const res = await get(`proof/inclusion?leafHash=${form}&treeSize=300`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { index: number; proof: string[] };
      expect(body.index).toBe(7);
      verifyInclusion(leaf, 7, 300, body.proof.map((h) => Buffer.from(h, 'base64')), latest.rootHash);
    }
    expect((await get(`proof/inclusion?leafHash=${sha256Hex('nothing')}`)).statusCode).toBe(404);
  });

  it('proves consistency between the checkpoints a client kept', async () => {
    for (const [from, to] of [[1, 100], [1, 300], [100, 300], [100, 100]] as const) {
      const res = await get(`proof/consistency?from=${from}&to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { from: number; to: number; proof: string[] };
      expect(body).toMatchObject({ from, to });
      verifyConsistency(from, to, kept.get(from)!.rootHash, kept.get(to)!.rootHash, body.proof.map((h) => Buffer.from(h, 'base64')));
    }
    // The log grows; the old checkpoints stay consistent with the new one.
    await grow(1);
    const next = await fetchCheckpoint();
    expect(next.size).toBe(301);
    for (const from of [1, 100, 300]) {
      const body = (await get(`proof/consistency?from=${from}&to=301`)).json() as { proof: string[] };
      verifyConsistency(from, 301, kept.get(from)!.rootHash, next.rootHash, body.proof.map((h) => Buffer.from(h, 'base64')));
    }
    // A consistency proof cannot be bent to an unrelated old root.
    const body = (await get('proof/consistency?from=100&to=301')).json() as { proof: string[] };
    expect(() => verifyConsistency(100, 301, kept.get(1)!.rootHash, next.rootHash, body.proof.map((h) => Buffer.from(h, 'base64')))).toThrow();
  });

  it('rejects bad proof requests: 400 for impossible ones, 404 for unpublished sizes', async () => {
    const cases: [string, number][] = [
      ['proof/inclusion?index=301&treeSize=301', 400],
      ['proof/inclusion?index=500', 400],
      ['proof/inclusion?index=-1', 400],
      ['proof/inclusion?index=abc', 400],
      ['proof/inclusion?index=0&treeSize=0', 400],
      ['proof/inclusion?treeSize=10', 400],
      ['proof/inclusion?index=0&treeSize=302', 404],
      ['proof/inclusion?index=0&treeSize=100000', 404],
      ['proof/consistency?from=300&to=100', 400],
      ['proof/consistency?from=0&to=100', 400],
      ['proof/consistency?from=1', 400],
      ['proof/consistency?from=1&to=302', 404],
      ['proof/consistency?from=302&to=302', 404],
    ];
    for (const [url, status] of cases) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    }
  });

  it('leaves a log that audits clean', async () => {
    const audit = await inspectLog(ctx.app);
    expect(audit.entries).toBe(301);
    expect(audit.checkpoints).toEqual([1, 100, 300, 301]);
  });
});

/** Splits a C2SP entry bundle: each entry is a big-endian uint16 length and that many bytes. */
function parseBundle(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) throw new Error(`entry bundle ends inside a length prefix at byte ${at}`);
    const length = bytes.readUInt16BE(at);
    if (at + 2 + length > bytes.length) throw new Error(`entry bundle ends inside entry ${out.length}`);
    out.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}
