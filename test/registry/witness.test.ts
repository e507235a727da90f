import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { auditLog } from '../../src/registry/audit.js';
import { EMPTY_TREE_ROOT, formatCheckpoint } from '../../src/registry/checkpoint.js';
import {
  addCosignatures, generateWitnessKey, parseWitnessSignerKey, parseWitnessVerifierKey, verifyCosignature,
  verifyCosignedCheckpoint, witnessPolicy,
} from '../../src/registry/cosignature.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { hashLeaf } from '../../src/registry/merkle.js';
import { consistencyProof, LeafNodeReader, rootAt } from '../../src/registry/merkle-proof.js';
import { generateKey, parseSignerKey, parseVerifierKey, signNote, type Ed25519Signer } from '../../src/registry/signed-note.js';
import { splitWitnessList } from '../../src/registry/witness-client.js';
import { buildWitnessServer } from '../../src/registry/witness-server.js';
import {
  formatAddCheckpoint, MemoryWitnessStore, openWitness, parseAddCheckpoint, Witness, WitnessRequestError,
} from '../../src/registry/witness.js';
import { runCli } from '../support/run-cli.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { entryText, proofCheckpoint } from './registry-helpers.js';

const ORIGIN = 'test.example/log';
const enc = (text: string) => new TextEncoder().encode(text);

/** A toy log: leaves 0‥n−1, signed checkpoints and consistency proofs over them. */
function toyLog(signer: Ed25519Signer, leafCount = 40) {
  const leaves = Array.from({ length: leafCount }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
  const reader = new LeafNodeReader(leaves);
  return {
    checkpoint: (size: number, root = size === 0 ? Buffer.from(EMPTY_TREE_ROOT) : rootAt(size, reader)) =>
      // signNote, not signCheckpoint: tests also need checkpoints a correct log would refuse to sign.
      signNote(formatCheckpoint({ origin: signer.name, size, rootHash: root, extensions: [] }), [signer]),
    proof: (from: number, to: number) => (from === 0 || from === to ? [] : consistencyProof(from, to, reader)),
  };
}

async function refusal(promise: Promise<unknown>): Promise<WitnessRequestError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(WitnessRequestError);
  return error as WitnessRequestError;
}

describe('witness add-checkpoint logic', () => {
  let logSigner: Ed25519Signer;
  let logVkey: string;
  let witness: Witness;
  let store: MemoryWitnessStore;
  let log: ReturnType<typeof toyLog>;
  let now = 1_800_000_000;

  beforeAll(async () => {
    const key = await generateKey(ORIGIN, nodeCrypto);
    logSigner = await parseSignerKey(key.signerKey, nodeCrypto);
    logVkey = key.verifierKey;
    log = toyLog(logSigner);
  });

  beforeEach(async () => {
    const wkey = await generateWitnessKey('witness.example/w1', nodeCrypto);
    store = new MemoryWitnessStore();
    witness = new Witness(await parseWitnessSignerKey(wkey.signerKey, nodeCrypto), store, () => now);
    await witness.trustLog(logVkey);
  });

  const add = async (old: number, size: number, proof = log.proof(old, size), note?: string) =>
    witness.addCheckpoint(enc(formatAddCheckpoint(old, proof, note ?? (await log.checkpoint(size)))));

  it('cosigns a good sequence of checkpoints, each consistent with the last', async () => {
    const wv = await parseWitnessVerifierKey(witness.verifierKey, nodeCrypto);
    let old = 0;
    for (const size of [0, 3, 3, 8, 17, 32, 33]) {
      now += 10;
      const note = await log.checkpoint(size);
      const line = await add(old, size, log.proof(old, size), note);
      expect(line).toMatch(/^— witness\.example\/w1 \S+\n$/);
      const cosigned = await addCosignatures(note, line, [wv]);
      const verified = await verifyCosignedCheckpoint(cosigned, await parseVerifierKey(logVkey, nodeCrypto), witnessPolicy([wv], 1));
      expect(verified.cosignatures).toEqual([{ name: 'witness.example/w1', keyId: wv.keyId, timestamp: now }]);
      expect((await store.read(ORIGIN))?.size).toBe(size);
      old = size;
    }
  });

  it('answers 409 with the stored size when the old size is stale', async () => {
    await add(0, 8);
    const error = await refusal(add(3, 10));
    expect(error.status).toBe(409);
    expect(error.body).toBe('8\n');
    expect(error.contentType).toBe('text/x.tlog.size');
    await refusal(add(0, 10, [])).then((e) => expect([e.status, e.body]).toEqual([409, '8\n']));
    expect(await add(8, 10)).toMatch(/^— /);
  });

  it('answers 422 for a consistency proof that does not verify, and keeps its state', async () => {
    await add(0, 5);
    const proof = log.proof(5, 12);
    proof[0] = Buffer.alloc(32, 7);
    expect((await refusal(add(5, 12, proof))).status).toBe(422);
    // A fork: a checkpoint of size 12 whose root is not the tree's.
    const forked = await log.checkpoint(12, Buffer.alloc(32, 1));
    expect((await refusal(add(5, 12, log.proof(5, 12), forked))).status).toBe(422);
    // Same size, other root.
    expect((await refusal(add(5, 5, [], await log.checkpoint(5, Buffer.alloc(32, 2))))).status).toBe(422);
    // A non-empty proof from size 0; a size-0 checkpoint without the empty root.
    const fresh = new Witness(witness.signer, new MemoryWitnessStore(), () => now);
    await fresh.trustLog(logVkey);
    expect((await refusal(fresh.addCheckpoint(enc(formatAddCheckpoint(0, [Buffer.alloc(32)], await log.checkpoint(4)))))).status).toBe(422);
    expect((await refusal(fresh.addCheckpoint(enc(formatAddCheckpoint(0, [], await log.checkpoint(0, Buffer.alloc(32, 3))))))).status).toBe(422);
    expect(await store.read(ORIGIN)).toEqual({ size: 5, rootHash: expect.any(String) });
  });

  it('answers 403 when no trusted log key signed, or a trusted key signature fails', async () => {
    const other = await parseSignerKey((await generateKey(ORIGIN, nodeCrypto)).signerKey, nodeCrypto);
    const note = await toyLog(other).checkpoint(4);
    expect((await refusal(add(0, 4, [], note))).status).toBe(403);
    const good = await log.checkpoint(4);
    const sigStart = good.lastIndexOf(' ') + 1;
    const broken = good.slice(0, sigStart) + (good[sigStart + 10] === 'A' ? good.slice(sigStart, sigStart + 10) + 'B' : good.slice(sigStart, sigStart + 10) + 'A') + good.slice(sigStart + 11);
    expect((await refusal(add(0, 4, [], broken))).status).toBe(403);
    expect(await store.read(ORIGIN)).toBeUndefined();
  });

  it('answers 404 for a log origin it does not watch', async () => {
    const stranger = await parseSignerKey((await generateKey('stranger.example/log', nodeCrypto)).signerKey, nodeCrypto);
    expect((await refusal(witness.addCheckpoint(enc(formatAddCheckpoint(0, [], await toyLog(stranger).checkpoint(2)))))).status).toBe(404);
  });

  it('refuses to roll back: a smaller checkpoint is never cosigned', async () => {
    await add(0, 20);
    expect((await refusal(add(20, 10, []))).status).toBe(400); // old size above the checkpoint size
    expect((await refusal(add(10, 10, []))).status).toBe(409);
    expect((await refusal(add(0, 10, []))).status).toBe(409);
    expect((await store.read(ORIGIN))?.size).toBe(20);
  });

  it('never rolls back under concurrent requests', async () => {
    const results = await Promise.allSettled([add(0, 10), add(0, 6), add(0, 30)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const stored = (await store.read(ORIGIN))!.size;
    expect([6, 10, 30]).toContain(stored);
  });

  it('parses request bodies strictly (400)', async () => {
    const note = await log.checkpoint(3);
    for (const body of [`old 01\n\n${note}`, `old 3\n${note}`, `new 0\n\n${note}`, `old 0\nnot-base64\n\n${note}`, `old 0\n\nnot a note`]) {
      expect((await refusal(witness.addCheckpoint(enc(body)))).status).toBe(400);
    }
    const many = Array.from({ length: 64 }, () => Buffer.alloc(32));
    expect(() => parseAddCheckpoint(enc(formatAddCheckpoint(1, many, note)))).toThrow(/more than 63/);
    expect(parseAddCheckpoint(enc(formatAddCheckpoint(2, [Buffer.alloc(32, 9)], note)))).toEqual({ oldSize: 2, proof: [new Uint8Array(32).fill(9)], note });
  });

  it('keeps its key and state in the state dir across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-witness-'));
    try {
      const first = await openWitness(dir, [logVkey], { name: 'museum.example/witness' });
      await first.addCheckpoint(enc(formatAddCheckpoint(0, [], await log.checkpoint(7))));
      expect(fs.statSync(path.join(dir, 'witness.key')).mode & 0o777).toBe(0o600);
      const again = await openWitness(dir, [logVkey]);
      expect(again.verifierKey).toBe(first.verifierKey);
      expect((await again.state(ORIGIN))?.size).toBe(7);
      expect((await refusal(again.addCheckpoint(enc(formatAddCheckpoint(0, [], await log.checkpoint(9))))))).toMatchObject({ status: 409, body: '7\n' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits witness lists on commas and newlines', () => {
    expect(splitWitnessList('a+1+AA==@http://h:1/, b/c+2+BB==@https://u@w.example/x\n\n')).toEqual([
      { vkey: 'a+1+AA==', url: 'http://h:1' },
      { vkey: 'b/c+2+BB==', url: 'https://u@w.example/x' },
    ]);
    expect(() => splitWitnessList('no-url')).toThrow(/vkey/);
  });
});

/** Runs the CLI in this process, capturing stdout and the exit code. */
const cli = (...args: string[]) => runCli(args);

describe.each(await testDialects())('witness server and log cosigning (%s)', (dialect) => {
  let witness: Witness;
  let server: FastifyInstance;
  let url: string;
  let ctx: TestContext;

  beforeAll(async () => {
    const wkey = await generateWitnessKey('peer.example/witness', nodeCrypto);
    witness = new Witness(await parseWitnessSignerKey(wkey.signerKey, nodeCrypto), new MemoryWitnessStore());
    server = buildWitnessServer(witness);
    url = await server.listen({ host: '127.0.0.1', port: 0 });
    ctx = await createTestContext(dialect, { registryWitnesses: `${witness.verifierKey}@${url}`, registryWitnessQuorum: 1 });
  });

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
  });

  let serial = 0;
  const insertPending = (count: number) => {
    const rows = Array.from({ length: count }, () => {
      serial++;
      return { id: `wit-${serial}`, entry: entryText(serial), work_id: null, user_id: null, created_at: new Date(Date.UTC(2026, 0, 1) + serial).toISOString() };
    });
    return ctx.app.registryRepository.insertPendingMany(rows).then(() => rows.map((r) => r.id));
  };

  it('serves GET /key and speaks add-checkpoint over HTTP', async () => {
    const key = await fetch(`${url}/key`);
    expect(await key.text()).toBe(`${witness.verifierKey}\n`);
    const unknown = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: 'old 0\n\nnope' });
    expect(unknown.status).toBe(400);
  });

  it('counts a checkpoint only once the witness cosigned it, and receipts carry the cosignature', async () => {
    const logVkey = await ctx.app.registry.log.verifierKey();
    const logVerifier = await parseVerifierKey(logVkey, nodeCrypto);
    const wv = await parseWitnessVerifierKey(witness.verifierKey, nodeCrypto);
    const policy = witnessPolicy([wv], 1);

    // The witness does not watch this log yet (404): the checkpoint is signed but does not count.
    const [early] = await insertPending(2);
    await ctx.app.registry.sequencePending();
    expect((await ctx.server.inject({ method: 'GET', url: '/api/registry/checkpoint' })).statusCode).toBe(404);
    expect((await ctx.app.registry.status(early!)).status).toBe('pending');

    // Once it watches the log, the next sequencing is cosigned.
    await witness.trustLog(logVkey);
    const ids = await insertPending(3);
    await ctx.app.registry.sequencePending();
    const served = await ctx.server.inject({ method: 'GET', url: '/api/registry/checkpoint' });
    expect(served.statusCode).toBe(200);
    const opened = await verifyCosignedCheckpoint(served.body, logVerifier, policy);
    expect(opened.size).toBe(5);
    expect(opened.cosignatures.map((c) => c.name)).toEqual(['peer.example/witness']);
    expect(opened.signatures[0]!.name).toBe(logVerifier.name); // the log's signature stays first
    expect((await witness.state(logVerifier.name))?.size).toBe(5);

    for (const id of [early!, ...ids]) {
      const status = await ctx.app.registry.status(id);
      if (status.status !== 'sequenced') throw new Error(`${id} is not sequenced`);
      const cp = await verifyCosignedCheckpoint(proofCheckpoint(status.receipt), logVerifier, policy);
      expect(cp.size).toBe(5);
      await verifyCosignature(cp.text, cp.signatures.find((s) => s.name === wv.name)!, wv);
    }

    // `wenyuan verify --witness … --quorum …` requires the cosignature offline.
    const status = await ctx.app.registry.status(ids[0]!);
    if (status.status !== 'sequenced') throw new Error('not sequenced');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-witness-receipt-'));
    try {
      const file = path.join(dir, 'r.json');
      fs.writeFileSync(file, JSON.stringify(status.receipt));
      const ok = await cli('verify', file, '--log-key', logVkey, '--witness', witness.verifierKey, '--quorum', '1', '--json');
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout).checks.at(-1)).toMatchObject({ name: 'witness cosignatures', ok: true });
      const stranger = (await generateWitnessKey('stranger.example/witness', nodeCrypto)).verifierKey;
      const missing = await cli('verify', file, '--log-key', logVkey, '--witness', stranger, '--json');
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.stdout).checks.at(-1)).toMatchObject({ name: 'witness cosignatures', ok: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Another node (fresh client, unaware of the witness's size) learns it from a 409 and sends a proof.
    const second = await createApp(ctx.app.config);
    try {
      const [later] = await insertPending(4);
      await second.registry.sequencePending();
      expect((await witness.state(logVerifier.name))?.size).toBe(9);
      const status = await ctx.app.registry.status(later!);
      if (status.status !== 'sequenced') throw new Error('not sequenced');
      expect((await verifyCosignedCheckpoint(proofCheckpoint(status.receipt), logVerifier, policy)).size).toBe(9);
    } finally {
      await second.close();
    }
  });

  it('makes a rollback of the log visible: doctor counts the witness, and the witness refuses the rolled-back log', async () => {
    // The command line reads the witnesses from the environment, as the server does.
    process.env.WENYUAN_REGISTRY_WITNESSES = ctx.app.config.registryWitnesses;
    process.env.WENYUAN_REGISTRY_WITNESS_QUORUM = '1';
    const doctor = await runCli(['doctor', '--json'], ctx).finally(() => {
      delete process.env.WENYUAN_REGISTRY_WITNESSES;
      delete process.env.WENYUAN_REGISTRY_WITNESS_QUORUM;
    });
    expect(JSON.parse(doctor.stdout).checks).toContainEqual(expect.objectContaining({ name: 'registry witness', level: 'ok' }));
    expect(doctor.stdout).not.toContain('no witness configured');
    expect(await ctx.app.registry.health()).toMatchObject({ witnesses: 1, quorum: 1, rollbackDetectable: true });

    // Someone with the database removes the newest batch (entries 5‥8) with its checkpoint, consistently.
    const logVerifier = await parseVerifierKey(await ctx.app.registry.log.verifierKey(), nodeCrypto);
    const db = ctx.app.database.db;
    const keep = await db.selectFrom('registry_checkpoints').selectAll().where('size', '=', 5).executeTakeFirstOrThrow();
    await db.deleteFrom('registry_entries').where('idx', '>=', 5).execute();
    await db.deleteFrom('registry_checkpoints').where('size', '>', 5).execute();
    await db.updateTable('registry_state').set({ size: 5, root_hash: keep.root_hash }).execute();
    // Nothing local can tell (the audit passes)…
    expect((await auditLog(ctx.app.registryRepository, await ctx.app.registry.log.verifierKey())).ok).toBe(true);
    // …but the witness cosigned size 9 and refuses the rewritten tree: what is registered now never gets a receipt.
    const [after] = await insertPending(4);
    await ctx.app.registry.sequencePending();
    expect((await ctx.app.registry.status(after!)).status).toBe('pending');
    expect((await witness.state(logVerifier.name))?.size).toBe(9);
  });
});
