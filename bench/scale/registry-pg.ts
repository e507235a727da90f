// Registry on PostgreSQL (issue 16): durable registrations per second through the path a real bulk
// registration (`wenyuan register`) takes: RegistryService.registerMany, which checks each work, its
// idempotency key and fingerprints, builds and seals the entries, then — holding the sequencer's
// lease — accepts and sequences each batch (requests + entries + tiles + signed checkpoint) in one
// durable transaction, reading the next batch meanwhile. Two other paths, for comparison:
// `--path pending` is the harness before (synthetic entries straight into insertPendingMany, one
// durable transaction, then sequenced in another); `--path single` is what `wenyuan register` did
// before registerMany (`register` per work, one durable commit each, sequenced at the end).
// Also printed: where a batch's time goes, and the server's own floor in the same run (the same
// rows through one INSERT … SELECT unnest and one commit per batch).
// Run: node --import tsx bench/scale/registry-pg.ts [--database-url postgres://…|sqlite:/path.db] [--registrations 100000] [--batch 4096] [--runs 2] [--path bulk|pending|single]
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
    path: { type: 'string', default: 'bulk' },
  },
});
const N = Number(flags.registrations);
const BATCH = Number(flags.batch);
const RUNS = Number(flags.runs);
const PATH = flags.path === 'pending' || flags.path === 'single' ? flags.path : 'bulk';

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

// A curator, and the works to register: public (unsealed entries, as before), each with its own file hash.
const curatorId = newId();
const stamp = new Date().toISOString();
await app.database.db.insertInto('users').values({ id: curatorId, username: 'bench-curator', display_name: 'Bench Curator', password_hash: '-', role: 'curator', disabled: 0, preferred_lang: null, created_at: stamp, updated_at: stamp, country: null }).execute();
const actor = { kind: 'user' as const, id: curatorId, username: 'bench-curator', role: 'curator' as const };
const workIdsOfRun: string[][] = [];
for (let run = 0; run < RUNS; run++) {
  const ids = Array.from({ length: N }, () => newId());
  for (let i = 0; i < N; i += 500) {
    const rows = ids.slice(i, i + 500).map((id, k) => ({ id, source_key: null, collection_id: null, owner_id: null, visibility: 'public', work_type: 'image', version: 1, title_sort: `work ${run}:${i + k}`, industry: null, heritage: null, earliest_year: null, latest_year: null, period: null, medium_facet: null, institution_facet: null, rights_uri: null, place_key: null, geo_lat: null, geo_lon: null, primary_file_sha256: createHash('sha256').update(`${run}:${i + k}`).digest('hex'), change_version: 0, download_policy: null, created_at: stamp, updated_at: stamp }));
    await app.database.db.insertInto('works').values(rows).execute();
    await app.database.db.insertInto('work_metadata').values(rows.map((w) => ({ work_id: w.id, metadata: JSON.stringify({ title: { en: w.title_sort } }) }))).execute();
    // Their files were fingerprinted at upload, as a real work's are (a registration reads the row for its entry).
    await app.database.db.insertInto('fingerprints').values(rows.map((w) => ({ sha256: w.primary_file_sha256, status: 'unsupported' as const, reason: 'bench', pdq: null, pdq_crops: null, crop_fractions: null, pdq_on_black: null, pdq_quality: null, iscc: null, width: null, height: null, pages: null, change_version: 0, created_at: stamp }))).execute();
  }
  workIdsOfRun.push(ids);
}

statements = 0;
byStatement.clear();
console.log(`machine: ${machine()}`);
if (settings) console.log(`PostgreSQL ${settings.server_version} on 127.0.0.1 (fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, wal_sync_method=${settings.wal_sync_method}, commit_delay=${settings.commit_delay})`);
console.log(`path: ${{ bulk: 'registerMany, holding the lease (accept + sequence in one durable transaction per batch)', pending: 'pending (insertPendingMany, then sequence: two durable transactions per batch)', single: 'register per work (one durable transaction each), then drain' }[PATH]}`);
for (let run = 0; run < RUNS; run++) {
  const entries = Array.from({ length: N }, (_, i) => entryText(run, i));
  const ids = workIdsOfRun[run]!;
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
    if (PATH === 'bulk') {
      // One call for the whole run, as `wenyuan register` makes it: it batches (4,096) and pipelines itself.
      const results = await app.registry.registerMany(actor, ids.map((workId) => ({ workId })), {}, { batch: BATCH });
      const failed = results.find((r) => 'error' in r);
      if (failed && 'error' in failed) throw failed.error;
      i = N;
    } else if (PATH === 'single') {
      // What `wenyuan register` did before registerMany: one registration (one durable commit) per work, sequenced at the end.
      for (const workId of ids) await app.registry.register(actor, workId);
      i = N;
    } else {
      await app.registryRepository.insertPendingMany(entries.slice(i, i + BATCH).map((entry) => ({ id: newId(), entry, work_id: null, user_id: null, created_at: now })));
    }
    acceptMs += performance.now() - t;
    acceptStatements += statements - s;
    acceptCpu += cpuMs(process.cpuUsage(cpu));
    // The bulk path sequenced its batch already; the single path is sequenced at its end (as the run drains below).
    if (PATH !== 'pending') continue;
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
  if ((await app.registryRepository.countPending()) !== 0) throw new Error('registrations left pending');
  console.log(
    `run ${run + 1}: durable registration + sequencing (${sqlite ? 'SQLite' : 'PostgreSQL'}, ${PATH}, batches of ${BATCH}): ${(N / seconds).toFixed(0)} registrations/s (${N} in ${seconds.toFixed(1)} s); ` +
      `${{ bulk: 'registering (accept + sequence)', pending: 'accepting', single: 'registering one by one' }[PATH]} ${(acceptMs / batches).toFixed(0)} ms/batch (${(acceptStatements / batches).toFixed(0)} statements, Node CPU ${(acceptCpu / batches).toFixed(0)} ms), ` +
      (PATH !== 'pending' ? 'sequencing in the same transaction or at the end' : `sequencing ${(sequenceMs / batches).toFixed(0)} ms/batch (${(sequenceStatements / batches).toFixed(0)} statements, Node CPU ${(sequenceCpu / batches).toFixed(0)} ms)`),
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
