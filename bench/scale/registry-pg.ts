// Registry on PostgreSQL (issue 16): durable registrations per second, measured as bench/registry.ts
// measures them on SQLite (batches accepted by insertPendingMany, then sequenced: entries + tiles +
// signed checkpoint in one transaction per batch), with a breakdown of where a batch's time goes
// and the server's own floor (the same rows through one multi-row INSERT … SELECT unnest, one commit).
// Run: node --import tsx bench/scale/registry-pg.ts [--database-url postgres://…] [--registrations 100000] [--batch 4096] [--runs 2]
// Without --database-url, an empty database is made on the local server (and dropped afterwards).
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { newId } from '../../src/platform/ids.js';
import { encodeEntry } from '../../src/registry/entry.js';
import { machine, postgresDatabase, tempDir } from '../support.js';

const { values: flags } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    registrations: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '4096' },
    runs: { type: 'string', default: '2' },
  },
});
const N = Number(flags.registrations);
const BATCH = Number(flags.batch);
const RUNS = Number(flags.runs);

function entryText(run: number, i: number): string {
  return new TextDecoder().decode(
    encodeEntry({ contentSha256: createHash('sha256').update(`${run}:${i}`).digest('hex'), registrant: `ed25519:${'ab'.repeat(16)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_800_000_000 + i }),
  );
}

const dataDir = tempDir('wenyuan-bench-registry-pg-');
// --database-url sqlite:… runs the same harness on SQLite, for a side-by-side figure under the same load.
const sqlite = flags['database-url']?.startsWith('sqlite:') ?? false;
const made = flags['database-url'] ? null : await postgresDatabase('wenyuan_bench_registry');
const databaseUrl = flags['database-url'] ?? made?.url;
if (!databaseUrl) throw new Error('no PostgreSQL at 127.0.0.1:5432 (or pass --database-url)');

const admin = sqlite ? null : new pg.Client({ connectionString: databaseUrl });
await admin?.connect();
const settings = admin
  ? Object.fromEntries(
      (await admin.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_sync_method','commit_delay','server_version')`)).rows.map((r) => [r.name, r.setting]),
    )
  : null;

// The bare floor on this server: one round trip per batch, rows passed as arrays, one durable commit.
async function bareFloor(admin: pg.Client): Promise<number> {
  await admin.query('CREATE TABLE IF NOT EXISTS bench_bare_pending (id text PRIMARY KEY, entry text, leaf bytea)');
  const start = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const entries = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => entryText(99, i + k));
    const leaves = entries.map((e) => createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(e)])).digest());
    await admin.query('INSERT INTO bench_bare_pending SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])', [entries.map(() => newId()), entries, leaves]);
  }
  const rate = N / ((performance.now() - start) / 1000);
  await admin.query('DROP TABLE bench_bare_pending');
  return rate;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const app = await createApp(loadConfig({ dataDir, databaseUrl }, {}));
await app.instance.configure({ name: { en: 'Bench Museum' }, publicUrl: 'https://bench.example', registryOrigin: 'bench.example/registry' });
// Counts statements (round trips) per phase through the client's query function, and times each
// kind of statement from send to answer (the server's work plus loopback), for the breakdown.
let statements = 0;
const byStatement = new Map<string, { n: number; ms: number }>();
const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = clientProto.query;
clientProto.query = function (this: unknown, ...args: unknown[]) {
  statements++;
  const first = args[0] as string | { text?: string };
  const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ');
  const key = text.replace(/\(\$\d+.*$/, '(…').slice(0, 70);
  const t = performance.now();
  const result = originalQuery.apply(this, args);
  if (result instanceof Promise) {
    void result.finally(() => {
      const s = byStatement.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      byStatement.set(key, s);
    }).catch(() => undefined);
  }
  return result;
};

console.log(`machine: ${machine()}`);
if (settings) console.log(`PostgreSQL ${settings.server_version} on 127.0.0.1 (fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, wal_sync_method=${settings.wal_sync_method}, commit_delay=${settings.commit_delay})`);
for (let run = 0; run < RUNS; run++) {
  const entries = Array.from({ length: N }, (_, i) => entryText(run, i));
  let acceptMs = 0;
  let sequenceMs = 0;
  let acceptStatements = 0;
  let sequenceStatements = 0;
  let acceptCpu = 0;
  let sequenceCpu = 0;
  const start = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const now = new Date().toISOString();
    let t = performance.now();
    let s = statements;
    let cpu = process.cpuUsage();
    await app.registryRepository.insertPendingMany(entries.slice(i, i + BATCH).map((entry) => ({ id: newId(), entry, work_id: null, user_id: null, created_at: now })));
    acceptMs += performance.now() - t;
    acceptStatements += statements - s;
    acceptCpu += cpuMs(process.cpuUsage(cpu));
    t = performance.now();
    s = statements;
    cpu = process.cpuUsage();
    await app.registry.log.sequence(BATCH);
    sequenceMs += performance.now() - t;
    sequenceStatements += statements - s;
    sequenceCpu += cpuMs(process.cpuUsage(cpu));
  }
  await app.registry.log.drain();
  const seconds = (performance.now() - start) / 1000;
  const batches = Math.ceil(N / BATCH);
  console.log(
    `run ${run + 1}: durable registration + sequencing (${sqlite ? 'SQLite' : 'PostgreSQL'}, batches of ${BATCH}): ${(N / seconds).toFixed(0)} registrations/s (${N} in ${seconds.toFixed(1)} s); ` +
      `accepting ${(acceptMs / batches).toFixed(0)} ms/batch (${(acceptStatements / batches).toFixed(0)} statements, Node CPU ${(acceptCpu / batches).toFixed(0)} ms), ` +
      `sequencing ${(sequenceMs / batches).toFixed(0)} ms/batch (${(sequenceStatements / batches).toFixed(0)} statements, Node CPU ${(sequenceCpu / batches).toFixed(0)} ms)`,
  );
}
if (!sqlite) console.log('where the time goes (all runs; statement kinds by total time from send to answer):');
for (const [text, { n, ms }] of [...byStatement].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${String(n).padStart(5)}×  ${(ms / n).toFixed(2)} ms each  ${text}`);
const size = (await app.registryRepository.state()).size;
console.log(`tree size ${size}, checkpoints ${(await app.registryRepository.allCheckpoints()).length}`);
await app.close();
if (admin) {
  console.log(`bare floor on this server (unnest INSERT of id+entry+leaf hash, one statement and one commit per batch of ${BATCH}): ${(await bareFloor(admin)).toFixed(0)} rows/s`);
  await admin.end();
}
await made?.drop();
