/**
 * Child process for worker-crash.test.ts (not a test itself): opens a Wenyuan on a SQLite data
 * directory and does real work until the test SIGKILLs it. Progress goes to stdout, one line per
 * event, so the parent can kill at a chosen moment.
 *
 *   jobs   <dataDir> <slowJobs> <image>...   ingest the images, enqueue slow jobs, run a worker
 *   ingest <dataDir> <file>...               ingest the files one by one
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { DISPLAY_JOB } from '../../src/archive/work.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { displayDerivativeHandler } from '../../src/archive/display-copy.job.js';
import { loadConfig } from '../../src/platform/config.js';
import { Worker, type JobHandler } from '../../src/platform/jobs/worker.js';

export const SLOW_JOB = 'test.slow';
/** The lease the child's worker takes; the parent waits this long before rescuing. */
export const CHILD_LEASE_MS = 1000;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const [mode, dataDir, ...rest] = process.argv.slice(2);
  if (!mode || !dataDir) throw new Error('usage: worker-crash.child.ts jobs|ingest <dataDir> …');
  const app = await createApp(loadConfig({ dataDir, logLevel: 'silent' }, {}));
  const user = await app.identity.createUser({ username: 'crash-admin', password: 'correct horse battery', role: 'admin' });
  const actor: Actor = { kind: 'user', id: user.id, username: user.username, role: user.role };
  say(`user ${user.id}`);

  if (mode === 'ingest') {
    for (const file of rest) {
      const result = await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file));
      say(`ingested ${path.basename(file)} ${result.status} ${result.sha256}`);
    }
    say('finished');
    return;
  }

  const [slowCount, ...images] = rest;
  for (const file of images) {
    await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file));
  }
  for (let n = 0; n < Number(slowCount); n++) await app.jobs.enqueue(app.database.db, SLOW_JOB, { n });
  say('enqueued');

  const worker = new Worker(app.jobs, { concurrency: 2, leaseMs: CHILD_LEASE_MS, pollMs: 20 });
  const traced = (kind: string, handler: JobHandler): JobHandler => async (payload, context) => {
    say(`start ${kind} ${context.job.id}`);
    await handler(payload, context);
    say(`done ${kind} ${context.job.id}`);
  };
  worker.register(DISPLAY_JOB, traced(DISPLAY_JOB, displayDerivativeHandler({ blobs: app.blobs, repo: app.workRepository, maxImagePixels: app.config.maxImagePixels })));
  worker.register(SLOW_JOB, traced(SLOW_JOB, slowJobHandler(dataDir)));
  worker.start();
  // Runs until killed; the parent never lets it finish.
  await new Promise(() => undefined);
}

/** A slow, idempotent-by-record job: appends its number to a log (at-least-once is visible). */
export function slowJobHandler(dataDir: string): JobHandler {
  return async (payload) => {
    await new Promise((r) => setTimeout(r, 60));
    fs.appendFileSync(path.join(dataDir, 'slow.log'), `${(payload as { n: number }).n}\n`);
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
