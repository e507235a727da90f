import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { newId } from '../../src/platform/ids.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { encodeEntry } from '../../src/registry/entry.js';
import type { Receipt } from '../../src/registry/registry.service.js';
import { verifyReceipt, type ReceiptVerification } from '../../src/registry/verify-receipt.js';
import { makeUser, uploadImage } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * Receipts carry no claim that verification passes over (issue 10, item 12): the registration id
 * and work are signed inside version 2 entries, the tree size is read from the signed checkpoint,
 * and what no signature covers (version 1 entries' ids, fields the format does not define) is
 * listed as unsigned by the verifier and by `wenyuan verify`.
 */
describe.each(await testDialects())('signed receipt claims (%s)', (dialect) => {
  let ctx: TestContext;
  let logKey: string;
  let dir: string;
  let work: { workId: string; sha256: string };
  let otherWorkId: string;
  /** A version 2 receipt of a public work, and a version 1 receipt (an entry written before issue 10). */
  let v2: Receipt;
  let v1: Receipt;

  const verify = (receipt: unknown) => verifyReceipt(JSON.stringify(receipt), { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256: work.sha256 });
  const failing = (result: ReceiptVerification) => result.checks.filter((c) => !c.ok).map((c) => c.name);
  const writeReceipt = (name: string, receipt: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(receipt, null, 2));
    return file;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const owner = await makeUser(ctx, 'creator', 'claims');
    const actor: Actor = { kind: 'user', id: owner.id, username: owner.username, role: 'creator' };
    work = await uploadImage(ctx, owner.headers, 1201, { visibility: 'public' });
    otherWorkId = (await uploadImage(ctx, owner.headers, 1202, { visibility: 'public' })).workId;
    const registration = await ctx.app.registry.register(actor, work.workId);
    // A version 1 entry, as registrations made before entry v2 were written, linked to the same work.
    const legacyId = newId();
    const legacy = new TextDecoder().decode(
      encodeEntry({ contentSha256: work.sha256, registrant: `ed25519:${'c'.repeat(32)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_790_000_000 }),
    );
    await ctx.app.registryRepository.insertPending({ id: legacyId, entry: legacy, work_id: work.workId, user_id: owner.id, created_at: new Date().toISOString() });
    await ctx.app.registry.sequencePending();
    const [a, b] = await Promise.all([ctx.app.registry.status(registration.registrationId), ctx.app.registry.status(legacyId)]);
    if (a.status !== 'sequenced' || b.status !== 'sequenced') throw new Error('not sequenced');
    [v2, v1] = [a.receipt, b.receipt];
    logKey = await ctx.app.registry.log.verifierKey();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-claims-'));
  });

  afterAll(async () => {
    await ctx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the genuine version 2 receipt with nothing unsigned', async () => {
    const result = await verify(v2);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result).toMatchObject({ ok: true, unsigned: [], treeSize: v2.treeSize });
    expect(result.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['registration', 'work', 'tree size']));
  });

  it('fails a version 2 receipt whose registration id, work or tree size was changed', async () => {
    const flips: [string, Receipt, string][] = [
      ['registrationId', { ...v2, registrationId: newId() }, 'registration'],
      ['registrationId of the other receipt', { ...v2, registrationId: v1.registrationId }, 'registration'],
      ['work.id', { ...v2, work: { id: otherWorkId } }, 'work'],
      ['work.id null', { ...v2, work: { id: null } }, 'work'],
      ['treeSize + 1', { ...v2, treeSize: v2.treeSize + 1 }, 'tree size'],
      ['treeSize − 1', { ...v2, treeSize: v2.treeSize - 1 }, 'tree size'],
    ];
    for (const [what, receipt, check] of flips) {
      const result = await verify(receipt);
      expect(failing(result), what).toEqual([check]);
      expect(result.ok, what).toBe(false);
    }
    // Of the right type or nothing: a work id that is not a string is a format error.
    expect(failing(await verify({ ...v2, work: { id: 7 } }))).toEqual(['receipt format']);
  });

  it('lists what a version 1 receipt claims without a signature, and still fails a changed tree size', async () => {
    const genuine = await verify(v1);
    expect(genuine.ok).toBe(true);
    expect(genuine.unsigned).toEqual([
      { field: 'registrationId', value: v1.registrationId },
      { field: 'work.id', value: work.workId },
    ]);
    const relabelled = await verify({ ...v1, registrationId: 'forged', work: { id: otherWorkId } });
    expect(relabelled.unsigned).toEqual([
      { field: 'registrationId', value: 'forged' },
      { field: 'work.id', value: otherWorkId },
    ]);
    expect(failing(await verify({ ...v1, treeSize: v1.treeSize + 5 }))).toEqual(['tree size']);
  });

  it('lists fields the receipt format does not define as unsigned', async () => {
    const result = await verify({ ...v2, title: 'Mona Lisa', log: { ...v2.log, operator: 'Louvre' }, work: { ...v2.work, owner: 'Leonardo' } });
    expect(result.ok).toBe(true);
    expect(result.unsigned).toEqual([
      { field: 'title', value: 'Mona Lisa' },
      { field: 'log.operator', value: 'Louvre' },
      { field: 'work.owner', value: 'Leonardo' },
    ]);
  });

  it('`wenyuan verify` fails changed claims and prints unsigned ones apart', async () => {
    const flipped = await runCli(['verify', writeReceipt('flipped.json', { ...v2, work: { id: otherWorkId } }), '--log-key', logKey]);
    expect(flipped.code).toBe(1);
    expect(flipped.stdout).toMatch(/^FAIL\s+work\s+the receipt says work \S+, the signed entry work /m);
    const legacy = await runCli(['verify', writeReceipt('legacy.json', { ...v1, registrationId: 'forged' }), '--log-key', logKey]);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/^UNSIGNED/m);
    expect(legacy.stdout).toMatch(/^\s+registrationId\s+forged$/m);
    expect(legacy.stdout).toMatch(new RegExp(`^\\s+work\\.id\\s+${work.workId}$`, 'm'));
  });
});
