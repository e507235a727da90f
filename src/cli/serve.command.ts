import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createApp, FIXITY_JOB } from '../app.js';
import { buildServer } from '../platform/http/server.js';
import { addInstanceOptions, configFrom } from './context.js';

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** `wenyuan serve`: API, web UI and background workers in one process (the embedded default). */
export function registerServeCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('serve')
      .description('run the web UI, the API and the background workers')
      .option('--host <host>', 'address to listen on (env WENYUAN_HOST, default 127.0.0.1; 0.0.0.0 for the whole network)')
      .option('--port <port>', 'port (env WENYUAN_PORT, default 8080)')
      .option('--role <role>', 'all (default), api (no workers) or worker (no HTTP)', 'all'),
  ).action(async (options: { host?: string; port?: string; role: string; dataDir?: string; databaseUrl?: string }) => {
    if (!['all', 'api', 'worker'].includes(options.role)) throw new Error('--role must be all, api or worker');
    const config = configFrom(options, { ...(options.host ? { host: options.host } : {}), ...(options.port ? { port: options.port } : {}) });
    const app = await createApp(config, { logger: consoleLogger });
    const server = options.role === 'worker' ? null : await buildServer(app, { logger: { level: config.logLevel }, webRoot: WEB_ROOT });
    if (options.role !== 'api') {
      app.worker.start();
      app.sequencer.start();
      await scheduleFixity(app.jobs, config.fixityIntervalHours, app.database.db);
    }
    if (server) {
      void app.catalogue.warm().catch((error: unknown) => console.error('could not warm the catalogue:', error));
      const address = await server.listen({ host: config.host, port: config.port });
      console.log(`Wenyuan is running at ${address.replace('127.0.0.1', 'localhost')}  (data: ${path.relative(process.cwd(), config.dataDir) || '.'}, database: ${app.database.dialect})`);
      console.log(`API documentation: ${address}/api/docs`);
    }
    if (!(await app.identity.hasAnyUser())) {
      console.log('\nNo accounts yet. Create the first administrator with:\n');
      console.log(`  node bin/wenyuan.js admin create <username>${options.dataDir ? ` --data-dir ${options.dataDir}` : ''}\n`);
    }
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: finishing running jobs and closing…`);
      await server?.close();
      await app.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}

const consoleLogger = {
  info: (obj: object, msg?: string) => console.log(msg ?? '', JSON.stringify(obj)),
  warn: (obj: object, msg?: string) => console.warn(msg ?? '', JSON.stringify(obj)),
  error: (obj: object, msg?: string) => console.error(msg ?? '', JSON.stringify(obj)),
};

/** Enqueues the periodic fixity audit; the dedupe key keeps one pending run at a time. */
async function scheduleFixity(jobs: import('../platform/jobs/job-queue.js').JobQueue, hours: number, db: import('kysely').Kysely<import('../platform/db/schema.js').DB>): Promise<void> {
  if (hours <= 0) return;
  const tick = async () => {
    const last = await db.selectFrom('fixity_runs').select('started_at').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    const due = !last || Date.now() - Date.parse(last.started_at) >= hours * 3_600_000;
    if (due) await jobs.enqueue(db, FIXITY_JOB, {}, { dedupeKey: FIXITY_JOB, maxAttempts: 3 });
  };
  await tick();
  setInterval(() => void tick().catch(() => undefined), 3_600_000).unref();
}
