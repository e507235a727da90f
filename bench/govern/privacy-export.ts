// Personal data export benchmark (issue 15 item 2). Goal: the export of a person with 10,000 events
// and 100 works (each with an original) takes <= 30 s.
// Seeds one creator with --works works (one --file-kb original each, through the archive service),
// --events work events and as many recommendation signals, then times the export zip (what the
// `privacy.export` job and `wenyuan privacy export` write) and checks its size and peak memory.
// Run: npm run bench:govern-privacy -- --events 10000 --works 100 --file-kb 2048 [--database-url postgres://…/an_empty_database]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { machine, peakRssMiB, tempDir } from '../support.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const EVENTS = Number(arg('events', '10000'));
const WORKS = Number(arg('works', '100'));
const FILE_KB = Number(arg('file-kb', '2048'));
const DATABASE_URL = arg('database-url', '');

console.log(`machine: ${machine()}`);
const dataDir = tempDir('wenyuan-bench-privacy-');
const config = loadConfig({ dataDir, ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : {}) }, {});
const app = await createApp(config);
try {
  const user = await app.identity.createUser({ username: `bench-${Date.now()}`, password: 'bench password long', role: 'creator' });
  const actor = { kind: 'user' as const, id: user.id, username: user.username, role: user.role };
  let t = performance.now();
  const workIds: string[] = [];
  for (let i = 0; i < WORKS; i++) {
    const stored = await app.blobs.putBuffer(randomBytes(FILE_KB * 1024));
    const work = await app.works.create(actor, { metadata: { title: { en: `Bench work ${i}` } }, files: [{ sha256: stored.sha256, originalName: `original-${i}.bin`, mediaType: 'application/octet-stream', kind: 'other', size: stored.size }] });
    workIds.push(work.id);
  }
  const db = app.database.db;
  const now = new Date().toISOString();
  for (let i = 0; i < EVENTS; i += 1000) {
    const n = Math.min(1000, EVENTS - i);
    await db.insertInto('work_events').values(Array.from({ length: n }, (_, k) => ({ work_id: workIds[(i + k) % workIds.length]!, type: 'viewed', actor_id: user.id, at: now, detail: JSON.stringify({ n: i + k }) }))).execute();
    await db.insertInto('recommendation_signals').values(Array.from({ length: n }, (_, k) => ({ user_id: user.id, work_id: workIds[(i + k) % workIds.length]!, kind: 'view', weight: 1, created_at: now }))).execute();
  }
  console.log(`seeded ${WORKS} works (${FILE_KB} KiB originals) and ${EVENTS} events + ${EVENTS} signals in ${((performance.now() - t) / 1000).toFixed(1)} s on ${app.database.dialect}`);

  const out = path.join(dataDir, 'export.zip');
  t = performance.now();
  const { bytes } = await app.personalExports.writeZip(user.id, out);
  const seconds = (performance.now() - t) / 1000;
  console.log(`export: ${seconds.toFixed(2)} s, ${(bytes / 1024 / 1024).toFixed(1)} MiB zip (${fs.statSync(out).size} bytes on disk), peak RSS ${Math.round(peakRssMiB())} MiB`);
  console.log(`goal <= 30 s for 10,000 events and 100 works: ${seconds <= 30 ? 'met' : 'NOT met'}${EVENTS < 10_000 || WORKS < 100 ? ' (at a smaller size than the goal)' : ''}`);
} finally {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
