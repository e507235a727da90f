// Audit trail benchmark (issue 15 item 3). Goals: appends >= 5,000 records/s with the chain, and
// `wenyuan audit verify` over 1,000,000 records <= 10 s.
// Per database: BENCH_SEQUENTIAL (default 5,000) records each awaited before the next (one commit
// each: the latency floor), then a burst of BENCH_BURST (default 100,000) concurrent records (the
// group commit), then seeding up to BENCH_VERIFY_RECORDS (default 1,000,000) with the same hash
// function in batches of 10,000, and the full verify (what `wenyuan audit verify` runs).
// Run: npm run bench:govern   (BENCH_DIALECTS=sqlite,postgres; BENCH_POSTGRES_URL=postgres://…/postgres)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../../src/app.js';
import { chainRecord, canonicalDetails, type AuditRecord } from '../../src/govern/audit-chain.js';
import { AuditRepository } from '../../src/govern/audit.repository.js';
import { loadConfig } from '../../src/platform/config.js';
import { newId } from '../../src/platform/ids.js';
import { machine, peakRssMiB, tempDir, postgresDatabase } from '../support.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 5_000);
const BURST = Number(process.env.BENCH_BURST ?? 100_000);
const VERIFY_RECORDS = Number(process.env.BENCH_VERIFY_RECORDS ?? 1_000_000);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');

console.log(`machine: ${machine()}`);


for (const dialect of DIALECTS) {
  const dataDir = tempDir('wenyuan-bench-audit-');
  const pgDb = dialect === 'postgres' ? await postgresDatabase('wy_bench_audit') : null;
  if (dialect === 'postgres' && !pgDb) {
    console.log('postgres: unreachable, skipped');
    continue;
  }
  const app = await createApp(loadConfig({ dataDir, databaseUrl: pgDb?.url ?? `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
  const entry = (i: number) => ({ actor: newId(), action: 'auth.sign_in' as const, target: { type: 'user', id: String(i) }, details: { via: 'bench', n: i }, ip: '198.51.100.7' });

  let t = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await app.audit.record(entry(i));
  const sequentialMs = performance.now() - t;
  console.log(`${dialect}: sequential awaits: ${SEQUENTIAL} records in ${sequentialMs.toFixed(0)} ms = ${Math.round((SEQUENTIAL * 1000) / sequentialMs)} records/s`);

  t = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => app.audit.record(entry(i))));
  const burstMs = performance.now() - t;
  console.log(`${dialect}: burst: ${BURST} concurrent records in ${burstMs.toFixed(0)} ms = ${Math.round((BURST * 1000) / burstMs)} records/s`);

  // Seeding the rest: records chained with the same function, inserted 10,000 to a transaction.
  const repo = new AuditRepository(app.database);
  let head = await app.audit.head();
  t = performance.now();
  const at = new Date().toISOString();
  while (head.seq < VERIFY_RECORDS) {
    const batch: AuditRecord[] = [];
    for (let i = 0; i < 10_000 && head.seq < VERIFY_RECORDS; i++) {
      const record = chainRecord(head, { at, actor: newId(), action: 'key.use', targetType: 'key', targetId: String(head.seq), outcome: 'ok', details: canonicalDetails({ n: head.seq }), ip: '' });
      batch.push(record);
      head = record;
    }
    await repo.insertChained(batch, at);
  }
  console.log(`${dialect}: seeded to ${head.seq} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // A million rows a minute old have no statistics yet; autovacuum would analyse them shortly after.
  // Without it the planner may sort the whole table for every page of the verify.
  if (dialect === 'postgres') await sql`ANALYZE audit_records`.execute(app.database.db);

  t = performance.now();
  const report = await app.audit.verify();
  const verifyMs = performance.now() - t;
  console.log(`${dialect}: verify: ${report.checked} records in ${(verifyMs / 1000).toFixed(2)} s (${Math.round((report.checked * 1000) / verifyMs)} records/s), ok=${report.ok}, peak RSS ${peakRssMiB()} MiB`);
  if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.firstBreak)}`);

  // What an operator runs: `wenyuan audit verify` in a fresh process (start-up, migrations check and
  // TypeScript loading included), timed from outside.
  const url = pgDb?.url ?? `sqlite:${path.join(dataDir, 'wenyuan.db')}`;
  await app.close();
  t = performance.now();
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/cli-child.ts', 'audit', 'verify', '--data-dir', dataDir, '--database-url', url], { encoding: 'utf8' });
  console.log(`${dialect}: \`wenyuan audit verify\` (fresh process): ${((performance.now() - t) / 1000).toFixed(2)} s wall — ${out.trim().split('\n').pop()}`);

  await pgDb?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
