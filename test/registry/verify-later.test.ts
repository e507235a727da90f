import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { newId } from '../../src/platform/ids.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { entryText } from './registry-helpers.js';

/** Runs `wenyuan verify …` in-process and returns its exit code and printed lines. */
async function verify(args: string[]): Promise<{ code: number; out: string }> {
  const run = await runCli(['verify', ...args]);
  return { code: run.code, out: run.stdout };
}

describe('wenyuan verify --later (consistency with a later checkpoint)', () => {
  let ctx: TestContext;
  let dir: string;
  let receiptFile: string;
  let keyFile: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    dir = fs.mkdtempSync(path.join(ctx.app.config.dataDir, 'verify-'));
    const first = { id: newId(), entry: entryText(1), work_id: null, user_id: null, created_at: new Date().toISOString() };
    await ctx.app.registryRepository.insertPending(first);
    await ctx.app.registry.sequencePending();
    const status = await ctx.app.registry.status(first.id);
    if (status.status !== 'sequenced') throw new Error('not sequenced');
    receiptFile = path.join(dir, 'receipt.json');
    fs.writeFileSync(receiptFile, JSON.stringify(status.receipt));
    keyFile = path.join(dir, 'log.vkey');
    fs.writeFileSync(keyFile, await ctx.app.registry.log.verifierKey());
    for (let i = 2; i < 40; i++) await ctx.app.registryRepository.insertPending({ id: newId(), entry: entryText(i), work_id: null, user_id: null, created_at: new Date().toISOString() });
    await ctx.app.registry.sequencePending();
  });
  afterAll(async () => ctx.close());

  const bundle = async (from: number) => (await ctx.server.inject({ method: 'GET', url: `/api/registry/consistency-bundle?from=${from}` })).json() as { type: string; checkpoint: string; proof: string[] };
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('passes when the later signed tree extends the receipt’s tree', async () => {
    const later = await bundle(1);
    expect(later.proof.length).toBeGreaterThan(0);
    const result = await verify([receiptFile, '--log-key', keyFile, '--later', write('later.json', later)]);
    expect(result.out).toMatch(/ok +consistency +the tree of size 1 is a prefix of the later signed tree of size 39/);
    expect(result.code).toBe(0);
  });

  it('fails, naming the consistency check, for a tampered proof, another log key or a non-bundle', async () => {
    const later = await bundle(1);
    const flipped = { ...later, proof: later.proof.map((h, i) => (i === 0 ? Buffer.from(Buffer.from(h, 'base64').map((b, j) => (j === 0 ? b ^ 1 : b))).toString('base64') : h)) };
    for (const file of [write('flipped.json', flipped), write('truncated.json', { ...later, proof: later.proof.slice(1) }), write('junk.json', { hello: 1 })]) {
      const result = await verify([receiptFile, '--log-key', keyFile, '--later', file]);
      expect(result.out).toMatch(/FAIL +consistency/);
      expect(result.code).toBe(1);
    }
    const otherKey = (await import('../../src/registry/signed-note.js')).generateKey;
    const { verifierKey } = await otherKey(await ctx.app.registry.log.origin(), (await import('../../src/registry/crypto-node.js')).nodeCrypto);
    const result = await verify([receiptFile, '--log-key', verifierKey, '--later', write('later2.json', later)]);
    expect(result.code).toBe(1);
  });
});
