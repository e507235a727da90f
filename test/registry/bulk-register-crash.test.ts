import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { insertWorks, inspectLog } from './registry-helpers.js';

/**
 * Crash safety of the combined path (a bulk registration that holds the sequencer's lease accepts
 * and sequences each batch in one durable transaction): a real process registering works is
 * SIGKILLed at once or a few ms after a batch returned — between batches or inside one's commit.
 * Afterwards every acknowledged registration is sequenced, nothing is half-written (no request
 * without its entry, no opening without its request, no entry without a checkpoint), the log
 * audits clean, and registering the same works again makes each exactly once.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join(repoRoot, 'test/registry/bulk-register-crash.child.ts');
const WORKS = 1600;
const CHUNK = 200;

/** Runs the child and SIGKILLs it `delayMs` after its `afterAcks`-th acknowledged chunk; the registrations it acknowledged. */
function runAndKill(args: string[], afterAcks: number, delayMs: number, timeoutMs = 60_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    const lines: string[] = [];
    let stderr = '';
    let acks = 0;
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not acknowledge ${afterAcks} chunks within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('ack ')) {
        acked.push(...line.slice(4).split(','));
        acks++;
      }
      if (!killed && acks >= afterAcks) {
        killed = true;
        if (delayMs > 0) setTimeout(() => child.kill('SIGKILL'), delayMs);
        else child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' || lines.includes('finished')) reject(new Error(`child was not killed mid-way (code ${code}, signal ${signal}):\n${lines.slice(-3).join('\n').slice(0, 500)}\n${stderr}`));
      else resolve(acked);
    });
  });
}

describe.each(await testDialects())('bulk registration killed mid-way (%s)', (dialect) => {
  let ctx: TestContext;
  let key: string;
  const files: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    key = await ctx.app.registry.log.verifierKey();
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    for (const file of files) fs.rmSync(file, { force: true });
  });

  it.each([
    { when: 'at once', afterAcks: 2, delayMs: 0 },
    { when: '5 ms', afterAcks: 3, delayMs: 5 },
    { when: '15 ms', afterAcks: 1, delayMs: 15 },
  ])('killed $when after chunk no. $afterAcks: acknowledged ones sequenced, nothing half-written, a second run registers each work once', async ({ afterAcks, delayMs }) => {
    const owner = await ctx.userWithRole('creator');
    // Every third work private: its sealed entry's opening is written in the same transaction.
    const works = await insertWorks(ctx.app, owner.id, WORKS, (i) => (i % 3 === 0 ? 'private' : 'public'));
    const worksFile = path.join(ctx.app.config.dataDir, `bulk-works-${owner.id}.json`);
    files.push(worksFile);
    fs.writeFileSync(worksFile, JSON.stringify(works.map((w) => w.id)));
    const sizeBefore = (await ctx.app.registryRepository.state()).size;

    const acked = await runAndKill([ctx.app.config.dataDir, ctx.app.config.databaseUrl, owner.id, worksFile, String(CHUNK)], afterAcks, delayMs);
    expect(acked.length).toBe(afterAcks * CHUNK);

    const db = ctx.app.database.db;
    const log = await inspectLog(ctx.app);
    const sequenced = new Set(log.sequencedIds);
    // Acknowledged means sequenced here (the child held the lease): never lost.
    expect(acked.every((id) => sequenced.has(id))).toBe(true);
    // Really mid-way: not every work made it.
    expect(log.entries - sizeBefore).toBeLessThan(WORKS);
    // Whole batches or nothing: what is in the tree is a multiple of the chunk.
    expect((log.entries - sizeBefore) % CHUNK).toBe(0);
    // Nothing half-written: every request of these works has its entry; every opening its request; nothing pending.
    const requests = await db.selectFrom('registry_requests').select('registration_id').where('user_id', '=', owner.id).execute();
    expect(requests.length).toBe(log.entries - sizeBefore);
    expect(requests.every((r) => sequenced.has(r.registration_id))).toBe(true);
    const orphanOpenings = await db.selectFrom('registry_openings').select('registration_id').where('registration_id', 'not in', db.selectFrom('registry_requests').select('registration_id')).execute();
    expect(orphanOpenings).toEqual([]);
    expect(log.pendingIds).toEqual([]);
    expect((await auditLog(ctx.app.registryRepository, key, undefined, { historySince: ctx.app.registry.log.historySince() })).problems).toEqual([]);

    // Run again (the dead child's lease has not run out: this process leaves its batches pending, the sequencer takes them).
    const actor = { kind: 'user' as const, id: owner.id, username: 'owner', role: 'creator' as const };
    const again = await ctx.app.registry.registerMany(actor, works.map((w) => ({ workId: w.id })));
    expect(again.every((r) => 'registrationId' in r)).toBe(true);
    const byWork = new Map(again.map((r) => [r.workId, r]));
    expect(again.filter((r) => 'existing' in r && r.existing).length).toBe(log.entries - sizeBefore);
    for (const id of acked) expect(again.some((r) => 'registrationId' in r && r.registrationId === id && r.existing)).toBe(true);
    await ctx.app.registry.sequencePending();
    const after = await inspectLog(ctx.app);
    expect(after.entries - sizeBefore).toBe(WORKS);
    expect(after.pendingIds).toEqual([]);
    const perWork = await db.selectFrom('registry_entries').select('work_id').where('user_id', '=', owner.id).execute();
    expect(new Set(perWork.map((e) => e.work_id)).size).toBe(WORKS);
    expect(perWork.length).toBe(WORKS);
    expect((await auditLog(ctx.app.registryRepository, key, undefined, { historySince: ctx.app.registry.log.historySince() })).problems).toEqual([]);

    // A receipt from before the kill and one from after verify (a sealed one with its file).
    for (const work of [works[0]!, works.at(-1)!]) {
      const r = byWork.get(work.id)!;
      const status = 'registrationId' in r ? await ctx.app.registry.status(r.registrationId) : null;
      expect(status?.status).toBe('sequenced');
      if (status?.status !== 'sequenced') continue;
      const result = await verifyReceipt(JSON.stringify(status.receipt), { crypto: nodeCrypto, pinnedLogKey: key, fileSha256: work.sha256 });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
    // The next run starts with the lease free again.
    await db.updateTable('registry_state').set({ sequencer_holder: null, sequencer_lease_until: null }).execute();
  }, 120_000);
});
