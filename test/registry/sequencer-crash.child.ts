/**
 * Child process for sequencer-crash.test.ts (not a test itself): opens a Wenyuan on a SQLite data
 * directory, accepts `count` registrations (valid entries, straight into the pending table through
 * the repository), then sequences them in batches of `batch` until the test SIGKILLs it. One line
 * per event on stdout, so the parent can kill at a chosen moment:
 *
 *   key <vkey>            the log key (created now, kept in <dataDir>/keys)
 *   pending <count>       every registration is accepted (durably)
 *   checkpoint <size>     a batch is sequenced and its checkpoint committed
 *   finished              nothing is left (the parent should have killed us before this)
 *
 * Usage: sequencer-crash.child.ts <dataDir> <count> <batch>
 */
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { entryText } from './registry-helpers.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The registration ids the child uses, in acceptance order. */
export function crashRegistrationId(n: number): string {
  return `crash-${String(n).padStart(6, '0')}`;
}

async function main(): Promise<void> {
  const [dataDir, countArg, batchArg] = process.argv.slice(2);
  const count = Number(countArg);
  const batch = Number(batchArg);
  if (!dataDir || !Number.isInteger(count) || !Number.isInteger(batch)) throw new Error('usage: sequencer-crash.child.ts <dataDir> <count> <batch>');
  const app = await createApp(loadConfig({ dataDir, logLevel: 'silent' }, {}));
  // The log's key is made with the origin setup settles.
  await app.instance.configure({ name: { en: 'Crash Test Museum' }, publicUrl: 'https://crash.test', registryOrigin: 'crash.test/registry' });
  say(`key ${await app.registry.log.verifierKey()}`);
  const start = Date.UTC(2026, 0, 1);
  await app.registryRepository.insertPendingMany(
    Array.from({ length: count }, (_, n) => ({ id: crashRegistrationId(n), entry: entryText(n), work_id: null, user_id: null, created_at: new Date(start + n).toISOString() })),
  );
  say(`pending ${count}`);
  for (;;) {
    const { sequenced, treeSize } = await app.registry.log.sequence(batch);
    if (sequenced === 0) break;
    say(`checkpoint ${treeSize}`);
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
