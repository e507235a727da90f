import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { DISPLAY_JOB } from '../../src/archive/work.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { displayDerivativeHandler } from '../../src/archive/display-copy.job.js';
import { DISPLAY_SIZE } from '../../src/media/image-probe.js';
import { loadConfig } from '../../src/platform/config.js';
import { Worker } from '../../src/platform/jobs/worker.js';
import { CHILD_LEASE_MS, SLOW_JOB, slowJobHandler } from './worker-crash.child.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join(repoRoot, 'test/platform/worker-crash.child.ts');
const storyDir = path.resolve(repoRoot, '../shared/data/images/wesnoth/story');
const haveImages = fs.existsSync(storyDir);
if (!haveImages) console.warn(`worker-crash.test.ts: skipped, ${storyDir} is absent (real images are needed)`);

const images = haveImages
  ? fs
      .readdirSync(storyDir)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .map((f) => path.join(storyDir, f))
  : [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ChildRun {
  lines: string[];
  stderr: string;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/**
 * Runs the child script and SIGKILLs it as soon as `killWhen(lines)` says so (or `delayMs` later).
 * Fails if the child exits by itself or takes longer than `timeoutMs`.
 */
function runAndKill(args: string[], killWhen: (lines: string[]) => boolean, options: { delayMs?: number; timeoutMs?: number } = {}): Promise<ChildRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { lines: [], stderr: '', signal: null, code: null };
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not reach the kill point within ${timeoutMs} ms; output:\n${run.lines.join('\n')}\n${run.stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      run.lines.push(line);
      if (!killed && killWhen(run.lines)) {
        killed = true;
        if (options.delayMs) setTimeout(() => child.kill('SIGKILL'), options.delayMs);
        else child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}) before being killed:\n${run.lines.join('\n')}\n${run.stderr}`));
      else resolve(run);
    });
  });
}

async function openApp(dataDir: string): Promise<App> {
  return createApp(loadConfig({ dataDir, logLevel: 'silent' }, {}));
}

async function integrityCheck(app: App): Promise<string> {
  const result = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(app.database.db);
  return result.rows.map((r) => r.integrity_check).join('; ');
}

describe.skipIf(!haveImages)('crash safety (SIGKILL of a real process, SQLite)', () => {
  let dataDir: string;
  let app: App | null = null;

  afterEach(async () => {
    await app?.close();
    app = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'jobs left running by a killed worker are all finished after restart, with every display derivative',
    async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-crash-jobs-'));
      const picked = images.slice(0, 8);
      const slowJobs = 24;
      const started = new Set<string>();
      const finished = new Set<string>();
      const run = await runAndKill(['jobs', dataDir, String(slowJobs), ...picked], (lines) => {
        const line = lines.at(-1)!;
        const [event, , id] = line.split(' ');
        if (event === 'start') started.add(id!);
        if (event === 'done') finished.add(id!);
        // Kill only when some jobs are done and at least one is mid-flight.
        return finished.size >= 4 && [...started].some((s) => !finished.has(s));
      });
      expect(run.signal).toBe('SIGKILL');

      app = await openApp(dataDir);
      expect(await integrityCheck(app)).toBe('ok');
      const before = await app.jobs.counts();
      // The kill really was mid-way: something was running and something was left.
      expect(before.running).toBeGreaterThanOrEqual(1);
      expect(before.done).toBeLessThan(picked.length + slowJobs);

      const rescuer = new Worker(app.jobs, { concurrency: 1, leaseMs: 200 });
      rescuer.register(DISPLAY_JOB, displayDerivativeHandler({ blobs: app.blobs, repo: app.workRepository, maxImagePixels: app.config.maxImagePixels }));
      rescuer.register(SLOW_JOB, slowJobHandler(dataDir));
      // The killed child's jobs are leased for CHILD_LEASE_MS from their last heartbeat.
      await sleep(CHILD_LEASE_MS + 300);
      const ran = await rescuer.drain();
      expect(ran).toBe(picked.length + slowJobs - before.done);

      // Ingest also queued a fingerprint and a pyramid job per image, and reopening found images
      // without a fingerprint (a backfill job): the app's own worker runs those, and then nothing is left.
      await app.worker.drain();
      expect(await app.jobs.counts()).toEqual({ queued: 0, running: 0, dead: 0, done: 3 * picked.length + slowJobs + 1 });

      const files = await app.database.db.selectFrom('work_files').selectAll().execute();
      expect(files).toHaveLength(picked.length);
      const derivatives = await app.workRepository.derivativesOf(files.map((f) => f.sha256));
      for (const file of files) {
        const display = derivatives.find((d) => d.source_sha256 === file.sha256 && d.name === 'display');
        expect(display, `display derivative of ${file.original_name}`).toBeDefined();
        expect(await app.blobs.has(display!.sha256)).toBe(true);
        const meta = await sharp(await app.blobs.read(display!.sha256)).metadata();
        expect(meta.format).toBe('jpeg');
        expect([meta.width, meta.height]).toEqual([display!.width, display!.height]);
        expect(Math.max(display!.width, display!.height)).toBe(Math.min(DISPLAY_SIZE, Math.max(file.width!, file.height!)));
      }

      // At-least-once: every slow job ran to the end at least once.
      const logged = new Set(fs.readFileSync(path.join(dataDir, 'slow.log'), 'utf8').trim().split('\n').map(Number));
      expect([...logged].sort((a, b) => a - b)).toEqual(Array.from({ length: slowJobs }, (_, n) => n));
      expect(await integrityCheck(app)).toBe('ok');
    },
    120_000,
  );

  it(
    'a batch ingest killed mid-way leaves no half work, and re-running it imports only the rest',
    async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-crash-ingest-'));
      const batch = images.slice(10, 22);
      // A short delay after the 4th file lands the kill inside the 5th: streaming, probing or committing.
      const run = await runAndKill(['ingest', dataDir, ...batch], (lines) => lines.filter((l) => l.startsWith('ingested ')).length >= 4, { delayMs: 40 });
      const reported = run.lines.filter((l) => l.startsWith('ingested ')).map((l) => l.split(' ')[1]!);
      expect(reported.length).toBeGreaterThanOrEqual(4);
      expect(reported.length).toBeLessThan(batch.length);

      app = await openApp(dataDir);
      expect(await integrityCheck(app)).toBe('ok');
      const db = app.database.db;

      // No work without its file rows.
      const bare = await db
        .selectFrom('works')
        .select('id')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('work_files').select('work_files.id').whereRef('work_files.work_id', '=', 'works.id'))))
        .execute();
      expect(bare).toEqual([]);

      // No file row without its blob (row and bytes, of the recorded size), thumbnail and display job.
      const files = await db.selectFrom('work_files').selectAll().execute();
      expect(files.length).toBeGreaterThanOrEqual(reported.length);
      for (const file of files) {
        const blobRow = await db.selectFrom('blobs').selectAll().where('sha256', '=', file.sha256).executeTakeFirst();
        expect(blobRow, `blobs row for ${file.original_name}`).toBeDefined();
        expect(await app.blobs.size(file.sha256)).toBe(Number(file.size));
        const thumb = (await app.workRepository.derivativesOf([file.sha256])).find((d) => d.name === 'thumbnail');
        expect(thumb, `thumbnail of ${file.original_name}`).toBeDefined();
        expect(await app.blobs.has(thumb!.sha256)).toBe(true);
        const job = await db.selectFrom('jobs').select('status').where('dedupe_key', '=', `${DISPLAY_JOB}:${file.sha256}`).executeTakeFirst();
        expect(job?.status).toBe('queued');
        const versions = await app.workRepository.listVersions(file.work_id);
        expect(versions.map((v) => v.version)).toEqual([1]);
      }

      // Re-run the whole batch as the same user: what was stored is reported unchanged.
      const userRow = await db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
      const actor: Actor = { kind: 'user', id: userRow.id, username: userRow.username, role: 'admin' };
      const statuses = new Map<string, string>();
      for (const file of batch) {
        const result = await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file));
        statuses.set(path.basename(file), result.status);
      }
      for (const name of reported) expect(statuses.get(name), name).toBe('unchanged');
      const committedBeforeKill = new Set(files.map((f) => f.original_name));
      for (const [name, status] of statuses) expect(status, name).toBe(committedBeforeKill.has(name) ? 'unchanged' : 'imported');
      expect([...statuses.values()].filter((s) => s === 'imported').length).toBe(batch.length - files.length);

      // One work per file, no duplicates.
      const after = await db.selectFrom('work_files').select(['sha256', 'work_id']).execute();
      expect(after).toHaveLength(batch.length);
      expect(new Set(after.map((f) => f.sha256)).size).toBe(batch.length);
      expect(new Set(after.map((f) => f.work_id)).size).toBe(batch.length);
      expect(await integrityCheck(app)).toBe('ok');
    },
    120_000,
  );
});
