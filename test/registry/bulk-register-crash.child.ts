/**
 * Child process for bulk-register-crash.test.ts (not a test itself): opens the test's Wenyuan (same
 * data directory and database) and registers the works listed in a file for their owner, `chunk` at
 * a time through `RegistryService.registerMany` — which, holding the sequencer's lease, accepts and
 * sequences each in one durable transaction — until the test SIGKILLs it. One line per event:
 *
 *   ack <registration id>,…   a chunk returned: these registrations are acknowledged
 *   finished                  every work is registered (the parent should have killed us before)
 *
 * Usage: bulk-register-crash.child.ts <dataDir> <databaseUrl> <ownerId> <worksFile> <chunk>
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const [dataDir, databaseUrl, ownerId, worksFile, chunkArg] = process.argv.slice(2);
  const chunk = Number(chunkArg);
  if (!dataDir || !databaseUrl || !ownerId || !worksFile || !Number.isInteger(chunk)) throw new Error('usage: bulk-register-crash.child.ts <dataDir> <databaseUrl> <ownerId> <worksFile> <chunk>');
  const app = await createApp(loadConfig({ dataDir, databaseUrl, logLevel: 'silent' }, {}));
  const workIds = JSON.parse(fs.readFileSync(worksFile, 'utf8')) as string[];
  const actor = { kind: 'user' as const, id: ownerId, username: 'owner', role: 'creator' as const };
  for (let i = 0; i < workIds.length; i += chunk) {
    const results = await app.registry.registerMany(actor, workIds.slice(i, i + chunk).map((workId) => ({ workId })));
    const failed = results.find((r) => 'error' in r);
    if (failed && 'error' in failed) throw failed.error;
    say(`ack ${results.map((r) => ('registrationId' in r ? r.registrationId : '')).join(',')}`);
  }
  say('finished');
  // Runs until killed.
  await new Promise(() => undefined);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
