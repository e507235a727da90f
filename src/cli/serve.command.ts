import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createApp } from '../app.js';
import { buildServer } from '../platform/http/server.js';
import { NO_WITNESS, witnessAdvice } from '../registry/witness-advice.js';
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
    const server = options.role === 'worker' ? null : await buildServer(app.http, { logger: { level: config.logLevel }, webRoot: WEB_ROOT });
    if (server) {
      // Listen before the workers start, so a taken port leaves nothing running behind the message.
      let address: string;
      try {
        address = await server.listen({ host: config.host, port: config.port });
      } catch (error) {
        await server.close();
        await app.close();
        throw new Error(listenFailure(error, config.host, config.port) ?? (error instanceof Error ? error.message : String(error)));
      }
      void app.catalogue.warm().catch((error: unknown) => console.error('could not warm the catalogue:', error));
      void app.suggestions.warm().catch((error: unknown) => console.error('could not build the search suggestions:', error));
      console.log(`Wenyuan is running at ${address.replace('127.0.0.1', 'localhost')}  (data: ${path.relative(process.cwd(), config.dataDir) || '.'}, database: ${app.database.dialect})`);
      console.log(`API documentation: ${address}/api/docs`);
    }
    if (options.role !== 'api') {
      await app.startBackground();
    }
    const dataDirFlag = options.dataDir ? ` --data-dir ${options.dataDir}` : '';
    if (!(await app.identity.hasAnyUser())) {
      console.log('\nNo accounts yet. Create the first administrator with:\n');
      console.log(`  node bin/wenyuan.js admin create <username>${dataDirFlag}\n`);
    }
    if (!(await app.instance.identity()).setupDone) {
      console.log('Setup is not done: sign in as an administrator to be taken to it (/setup), or run');
      console.log(`  node bin/wenyuan.js setup${dataDirFlag}\n`);
      console.log('It names the institution, the public URL and the transparency log; nothing can be registered before.\n');
    }
    // Every start without a witness says so: nothing on this machine can see a rollback of the log.
    if ((await app.registry.health()).witnesses === 0) {
      console.log([NO_WITNESS.en, NO_WITNESS['zh-Hans'], ...witnessAdvice(await app.registry.log.existingVerifierKey().catch(() => null))].join('\n') + '\n');
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

/** Why the server could not listen and which setting changes it, or null for a failure without advice. */
export function listenFailure(error: unknown, host: string, port: number): string | null {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const where = `${host}:${port}`;
  const choose = 'choose another port with WENYUAN_PORT (or --port), and the address with WENYUAN_HOST (or --host)';
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: port ${port} is already in use (another Wenyuan or another program is listening there); ${choose}, e.g. WENYUAN_PORT=${port === 65_535 ? 8080 : port + 1}`;
    case 'EACCES':
      return `cannot listen on ${where}: not allowed to use port ${port} (ports below 1024 need administrator rights); ${choose}, e.g. WENYUAN_PORT=8080`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: ${host} is not an address of this machine; set WENYUAN_HOST (or --host) to 127.0.0.1 for this machine only, or 0.0.0.0 for the whole network`;
    default:
      return null;
  }
}

const consoleLogger = {
  info: (obj: object, msg?: string) => console.log(msg ?? '', JSON.stringify(obj)),
  warn: (obj: object, msg?: string) => console.warn(msg ?? '', JSON.stringify(obj)),
  error: (obj: object, msg?: string) => console.error(msg ?? '', JSON.stringify(obj)),
};
