import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { inspectLog } from './registry-helpers.js';

/**
 * Issue 10, item 7: a `wenyuan register` killed (SIGKILL) in the middle of a batch, then run again,
 * registers every work exactly once and writes every receipt; `--again` registers each work exactly
 * once more, even when that run is killed and run again too.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join(repoRoot, 'test/registry/register-crash.child.ts');
const WORKS = 40;
const JOURNAL = '.wenyuan-register.journal';

/** Runs `wenyuan <args>` in a child process and SIGKILLs it once its journal holds `afterLines` registrations. */
function runAndKill(args: string[], journal: string, afterLines: number, timeoutMs = 60_000): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const lines = () => (fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0);
    const poll = setInterval(() => {
      if (lines() >= afterLines) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 2);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the register run did not reach ${afterLines} registrations in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the register run finished before it was killed:\n${stderr}`));
      else resolve({ killed: true, stderr });
    });
  });
}

describe.each(await testDialects())('wenyuan register killed mid-batch (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let works: { workId: string; sha256: string }[];
  let key: string;
  const dirs: string[] = [];
  const instance = () => ['--data-dir', ctx.app.config.dataDir, '--database-url', ctx.app.config.databaseUrl];
  const outDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-receipts-'));
    dirs.push(dir);
    return dir;
  };

  /** Registrations per work (sequenced or pending) and the requests behind them. */
  async function countsPerWork(): Promise<Map<string, number>> {
    const db = ctx.app.database.db;
    const entries = await db.selectFrom('registry_entries').select('work_id').execute();
    const pending = await db.selectFrom('registry_pending').select('work_id').execute();
    const counts = new Map<string, number>();
    for (const row of [...entries, ...pending]) counts.set(row.work_id!, (counts.get(row.work_id!) ?? 0) + 1);
    return counts;
  }

  async function expectReceipts(dir: string): Promise<void> {
    for (const work of works) {
      const file = path.join(dir, `${work.workId}.receipt.json`);
      expect(fs.existsSync(file), file).toBe(true);
      const result = await verifyReceipt(fs.readFileSync(file), { crypto: nodeCrypto, pinnedLogKey: key, fileSha256: work.sha256 });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
    expect(fs.existsSync(path.join(dir, JOURNAL))).toBe(false);
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    works = [];
    for (let i = 0; i < WORKS; i++) works.push(await uploadImage(ctx, owner.headers, 1000 + i, { visibility: 'public' }));
    key = await ctx.app.registry.log.verifierKey();
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers every work exactly once and writes every receipt when run again', async () => {
    const dir = outDir();
    const ids = works.map((w) => w.workId);
    // In batches of 4 works (one durable transaction each, noted in the journal as each commits), killed after the third.
    await runAndKill(['register', ...ids, '--as', owner.username, '--out', dir, '--batch', '4', ...instance()], path.join(dir, JOURNAL), 12);
    // Killed mid-batch: some registrations accepted, no receipt written.
    const made = [...(await countsPerWork()).values()];
    expect(made.length).toBeGreaterThanOrEqual(12);
    expect(made.length).toBeLessThan(WORKS);
    expect(made.every((n) => n === 1)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.receipt.json'))).toEqual([]);

    const rerun = await runCli(['register', ...ids, '--as', owner.username, '--out', dir, '--json'], ctx);
    expect(rerun.code, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as { registered: number; alreadyRegistered: number; failed: number; pending: number };
    expect(report.registered + report.alreadyRegistered).toBe(WORKS);
    expect(report.alreadyRegistered).toBeGreaterThanOrEqual(made.length);
    const counts = await countsPerWork();
    expect(counts.size).toBe(WORKS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await expectReceipts(dir);
  }, 120_000);

  it('does not register again when the journal is gone either (the idempotency key), and fetches the receipts', async () => {
    const dir = outDir();
    const run = await runCli(['register', ...works.map((w) => w.workId), '--as', owner.username, '--out', dir, '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ registered: 0, alreadyRegistered: WORKS, failed: 0 });
    expect([...(await countsPerWork()).values()].every((n) => n === 1)).toBe(true);
    await expectReceipts(dir);
  }, 120_000);

  it('with --again registers each work exactly once more, even when killed and run again', async () => {
    const dir = outDir();
    const ids = works.map((w) => w.workId);
    // Every work's intent is noted first (one line each), then the registrations batch by batch: killed after the third batch.
    await runAndKill(['register', ...ids, '--as', owner.username, '--out', dir, '--again', '--batch', '4', ...instance()], path.join(dir, JOURNAL), WORKS + 12);
    const run = await runCli(['register', ...ids, '--as', owner.username, '--out', dir, '--again', '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    const counts = await countsPerWork();
    expect([...counts.values()].every((n) => n === 2), JSON.stringify([...counts.values()])).toBe(true);
    await expectReceipts(dir);
    // The receipts of this run are the new registrations.
    const first = JSON.parse(fs.readFileSync(path.join(dir, `${ids[0]}.receipt.json`), 'utf8')) as { index: number };
    expect(first.index).toBeGreaterThanOrEqual(WORKS);
    const log = await inspectLog(ctx.app);
    expect(log.entries).toBe(2 * WORKS);
    expect(log.pendingIds).toEqual([]);
  }, 120_000);

  it('with --again resumes a run killed between a registration and its journal line, or in the middle of a line', async () => {
    const dir = outDir();
    const [accepted, cut, unasked, cutIntent] = works.slice(0, 4).map((w) => w.workId) as [string, string, string, string];
    const actor = { kind: 'user' as const, id: owner.id, username: owner.username, role: 'creator' as const };
    const line = (workId: string, what: { generation: number } | { registrationId: string }) => JSON.stringify({ as: owner.username, role: null, again: true, workId, ...what });
    /** What a killed run left: its intent noted and the registration accepted by the server. */
    const acceptedAfterIntent = async (workId: string) => {
      const generation = await ctx.app.registry.nextGeneration(actor, workId);
      return { generation, registrationId: (await ctx.app.registry.register(actor, workId, { againGeneration: generation })).registrationId };
    };
    const a = await acceptedAfterIntent(accepted);
    const c = await acceptedAfterIntent(cut);
    // `accepted` was killed before its registration's line; `cut` while writing it.
    fs.writeFileSync(path.join(dir, JOURNAL), `${line(accepted, { generation: a.generation })}\n${line(cut, { generation: c.generation })}\n${line(cut, { registrationId: c.registrationId }).slice(0, 40)}`);
    const before = await countsPerWork();
    const run = await runCli(['register', accepted, cut, unasked, '--as', owner.username, '--out', dir, '--again', '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    const after = await countsPerWork();
    // The first two were registered before the run (as by the killed one): it adds none for them, one for `unasked`.
    for (const id of [accepted, cut, unasked]) expect(after.get(id), id).toBe(before.get(id)! + (id === unasked ? 1 : 0));
    const receiptOf = (id: string) => (JSON.parse(fs.readFileSync(path.join(dir, `${id}.receipt.json`), 'utf8')) as { registrationId: string }).registrationId;
    expect(receiptOf(accepted)).toBe(a.registrationId);
    expect(receiptOf(cut)).toBe(c.registrationId);
    expect(fs.existsSync(path.join(dir, JOURNAL))).toBe(false);

    // An intent cut short was written before anything was asked: that work is registered once more.
    const generation = await ctx.app.registry.nextGeneration(actor, cutIntent);
    fs.writeFileSync(path.join(dir, JOURNAL), line(cutIntent, { generation }).slice(0, 50));
    const again = await runCli(['register', cutIntent, '--as', owner.username, '--out', dir, '--again', '--json'], ctx);
    expect(again.code, again.stderr).toBe(0);
    expect((await countsPerWork()).get(cutIntent)).toBe(before.get(cutIntent)! + 1);
    expect(await ctx.app.registry.nextGeneration(actor, cutIntent)).toBe(generation + 1);
    const log = await inspectLog(ctx.app);
    expect(log.pendingIds).toEqual([]);
  }, 120_000);
});
