import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import type { Actor } from '../govern/roles.js';
import { loadConfig, type Config } from '../platform/config.js';

/** Options every command accepts. */
export function addInstanceOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'instance data directory (env WENYUAN_DATA_DIR, default ./.data)')
    .option('--database-url <url>', 'sqlite:<file> or postgres://… (env WENYUAN_DATABASE_URL, default <data-dir>/wenyuan.db)');
}

export function configFrom(options: { dataDir?: string; databaseUrl?: string }, extra: Partial<Record<keyof Config, unknown>> = {}): Config {
  return loadConfig({ ...extra, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
}

/** Opens the instance for a one-shot command and always closes it. */
export async function withApp<T>(options: { dataDir?: string; databaseUrl?: string }, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(configFrom(options));
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** The signed-in actor a command acts as (`--as <username>`); refuses unknown and disabled users. */
export async function actorFromUsername(app: App, username: string): Promise<Actor & { kind: 'user' }> {
  const user = await app.identity.findByUsername(username);
  if (!user || user.disabled) throw new Error(`no active user "${username}"`);
  return { kind: 'user', id: user.id, username: user.username, role: user.role };
}
