import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { auditLog } from '../../src/registry/audit.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { crashRegistrationId } from './sequencer-crash.child.js';
import { inspectLog } from './registry-helpers.js';

/**
 * Crash safety of sequencing (SQLite, a real process, SIGKILL): whenever the sequencer dies, the
 * database is intact, every checkpoint is the root of the entries before it (no fork), and every
 * accepted registration is either sequenced or still pending — never both, never lost — so that
 * sequencing again after a restart finishes the log.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join(repoRoot, 'test/registry/sequencer-crash.child.ts');
const COUNT = 5000;

interface ChildRun {
  lines: string[];
  signal: NodeJS.Signals | null;
}

/** Runs the child and SIGKILLs it `delayMs` after it has printed `afterCheckpoints` checkpoint lines. */
function runAndKill(args: string[], afterCheckpoints: number, delayMs: number, timeoutMs = 30_000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { lines: [], signal: null };
    let stderr = '';
    let seen = 0;
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not reach checkpoint ${afterCheckpoints} within ${timeoutMs} ms:\n${run.lines.slice(-5).join('\n')}\n${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      run.lines.push(line);
      if (line.startsWith('checkpoint ')) seen++;
      if (!killed && seen >= afterCheckpoints) {
        killed = true;
        if (delayMs > 0) setTimeout(() => child.kill('SIGKILL'), delayMs);
        else child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      run.signal = signal;
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code}):\n${run.lines.slice(-5).join('\n')}\n${stderr}`));
      else resolve(run);
    });
  });
}

describe('sequencer crash safety (SIGKILL of a real process, SQLite)', () => {
  let dataDir: string;
  let app: App | null = null;

  afterEach(async () => {
    await app?.close();
    app = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // Different batch sizes put tile boundaries in different places; different kill points land
  // between batches or inside one (a batch's transaction is most of the time spent).
  it.each([
    { when: 'at once', batch: 150, afterCheckpoints: 2, delayMs: 0 },
    { when: '4 ms', batch: 256, afterCheckpoints: 5, delayMs: 4 },
    { when: '9 ms', batch: 97, afterCheckpoints: 12, delayMs: 9 },
  ])('killed $when after checkpoint no. $afterCheckpoints (batches of $batch): no fork, nothing lost, finishes after restart', async ({ batch, afterCheckpoints, delayMs }) => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-seq-crash-'));
    const run = await runAndKill([dataDir, String(COUNT), String(batch)], afterCheckpoints, delayMs);
    expect(run.signal).toBe('SIGKILL');
    expect(run.lines).toContain(`pending ${COUNT}`);
    expect(run.lines).not.toContain('finished');
    const childKey = run.lines.find((l) => l.startsWith('key '))!.slice(4);
    const reported = run.lines.filter((l) => l.startsWith('checkpoint ')).map((l) => Number(l.slice(11)));

    app = await createApp(loadConfig({ dataDir, logLevel: 'silent' }, {}));
    const rows = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(app.database.db);
    expect(rows.rows.map((r) => r.integrity_check)).toEqual(['ok']);
    expect(await app.registry.log.verifierKey()).toBe(childKey);

    // The state after the kill: consistent, and really mid-way.
    const before = await inspectLog(app);
    expect(before.entries).toBeLessThan(COUNT);
    // Every checkpoint the child reported as committed survived; at most one more (committed, not yet printed).
    expect(before.checkpoints.slice(0, reported.length)).toEqual(reported);
    expect(before.checkpoints.length - reported.length).toBeLessThanOrEqual(1);
    expect(before.entries).toBe(before.checkpoints.at(-1));
    const all = Array.from({ length: COUNT }, (_, n) => crashRegistrationId(n));
    expect(before.sequencedIds.length + before.pendingIds.length).toBe(COUNT);
    expect(new Set([...before.sequencedIds, ...before.pendingIds])).toEqual(new Set(all));
    // Sequenced in acceptance order: entry i is registration i.
    expect(before.sequencedIds).toEqual(all.slice(0, before.entries));
    expect((await auditLog(app.registryRepository, childKey)).problems).toEqual([]);

    // Restarted, the sequencer finishes the job.
    expect(await app.registry.sequencePending()).toBe(COUNT - before.entries);
    const after = await inspectLog(app);
    expect(after.entries).toBe(COUNT);
    expect(after.pendingIds).toEqual([]);
    expect(after.sequencedIds).toEqual(all);
    expect(after.checkpoints.slice(0, before.checkpoints.length)).toEqual(before.checkpoints);
    expect(after.checkpoints.at(-1)).toBe(COUNT);
    const audit = await auditLog(app.registryRepository, childKey);
    expect(audit).toMatchObject({ ok: true, entries: COUNT, problems: [] });

    // Receipts from before and after the crash verify against the final checkpoint.
    for (const n of [0, before.entries - 1, before.entries, COUNT - 1]) {
      const status = await app.registry.status(crashRegistrationId(n), { checkpoint: 'latest' });
      expect(status.status).toBe('sequenced');
      if (status.status !== 'sequenced') continue;
      expect(status.receipt.index).toBe(n);
      expect(status.receipt.treeSize).toBe(COUNT);
      // The receipt a registrant is given rests on the first checkpoint that covers it, crash or not.
      const own = await app.registry.status(crashRegistrationId(n));
      if (own.status === 'sequenced') expect(after.checkpoints).toContain(own.receipt.treeSize);
      if (own.status === 'sequenced') expect(own.receipt.treeSize).toBe(after.checkpoints.find((size) => size > n));
      const result = await verifyReceipt(JSON.stringify(status.receipt), { crypto: nodeCrypto, pinnedLogKey: childKey });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
    expect((await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(app.database.db)).rows[0]?.integrity_check).toBe('ok');
  }, 60_000);
});
