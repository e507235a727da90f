// Fingerprint index start-up: the time and peak memory for a fresh process to make the index ready
// (first search answered: snapshot or rows read, chunk tables built) over BENCH_SNAPSHOT_CODES codes
// (default 1,000,000: 200,000 images × the whole image and 4 crops), reading every fingerprint row
// versus loading the snapshot and the rows changed since (BENCH_SNAPSHOT_DELTA images, default 1%).
// Each start runs in its own process, so peak RSS is that start's alone. Codes are random (fine for
// timing). Run: node --import tsx bench/protect/index-snapshot.ts   (BENCH_DIALECTS=sqlite,postgres)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { FingerprintIndex } from '../../src/protect/fingerprint-index.js';
import { FingerprintRepository } from '../../src/protect/fingerprint.repository.js';
import { FingerprintSnapshotRepository } from '../../src/protect/fingerprint-snapshot.repository.js';
import { FingerprintSnapshots } from '../../src/protect/fingerprint-snapshot.service.js';
import { machine, peakRssMiB, postgresDatabase, tempDir } from '../support.js';

const CROPS = [0.05, 0.1, 0.15, 0.2];
const CODES = Number(process.env.BENCH_SNAPSHOT_CODES ?? 1_000_000);
const DELTA = Number(process.env.BENCH_SNAPSHOT_DELTA ?? 0.01);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');

interface StartFigures {
  ms: number;
  /** CPU time of the start (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  codes: number;
  rowsRead: number;
}

/** Child: one process start, from rows (`rows`) or from the snapshot (`snapshot`). */
async function child(mode: string, url: string): Promise<void> {
  const database = openDatabase(url);
  let rowsRead = 0;
  class Counting extends FingerprintRepository {
    override async changedSince(version: number, limit: number) {
      const rows = await super.changedSince(version, limit);
      rowsRead += rows.length;
      return rows;
    }
  }
  const repo = new Counting(database);
  const index = new FingerprintIndex(repo, mode === 'snapshot' ? { snapshots: new FingerprintSnapshots(new FingerprintSnapshotRepository(database), repo) } : {});
  await repo.version(); // the connection is open before the clock starts
  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await index.search([randomBytes(32)], 31);
  const used = process.cpuUsage(cpu);
  const figures: StartFigures = { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, peakRssMiB: peakRssMiB(), baselineRssMiB, codes: index.size, rowsRead };
  console.log(JSON.stringify(figures));
  await database.close();
}

/** Writes `images` fingerprint rows (5 codes each) in large transactions, versions `from + 1`…. */
async function seed(url: string, images: number, from: number): Promise<void> {
  const database = openDatabase(url);
  const batch = 2000;
  for (let i = 0; i < images; i += batch) {
    const rows = Array.from({ length: Math.min(batch, images - i) }, (_, k) => ({
      sha256: randomBytes(32).toString('hex'), status: 'ok' as const, reason: null, pdq: randomBytes(32), pdq_crops: randomBytes(32 * CROPS.length), crop_fractions: CROPS.join(','),
      pdq_on_black: null, pdq_quality: 90, iscc: null, width: 1000, height: 800, pages: null, change_version: from + i + k + 1, created_at: new Date().toISOString(),
    }));
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('fingerprints').values(rows).execute();
      await trx.updateTable('protect_state').set({ version: from + i + rows.length }).where('id', '=', 1).execute();
    });
  }
  await database.close();
}

function start(mode: string, url: string): StartFigures {
  const run = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]!, '--child', mode, url], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`child ${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as StartFigures;
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`| database | codes | start from | ready in | CPU | peak RSS | RSS before | rows read |`);
  console.log(`| :--- | ---: | :--- | ---: | ---: | ---: | ---: | ---: |`);
  const images = Math.round(CODES / (1 + CROPS.length));
  const delta = Math.round(images * DELTA);
  for (const dialect of DIALECTS) {
    const dir = tempDir('wenyuan-bench-snapshot-');
    const pgDb = dialect === 'postgres' ? await postgresDatabase('wy_bench_snapshot') : null;
    if (dialect === 'postgres' && !pgDb) {
      console.log(`| postgres | — | no server | | | | | |`);
      continue;
    }
    const url = pgDb?.url ?? `sqlite:${path.join(dir, 'bench.db')}`;
    try {
      const database = openDatabase(url);
      await migrateToLatest(database);
      await database.close();
      await seed(url, images - delta, 0);
      const writer = openDatabase(url);
      const repo = new FingerprintRepository(writer);
      const written = await new FingerprintSnapshots(new FingerprintSnapshotRepository(writer), repo).write();
      await writer.close();
      await seed(url, delta, images - delta);
      const rows = start('rows', url);
      const snapshot = start('snapshot', url);
      const line = (mode: string, f: StartFigures) =>
        `| ${dialect} | ${f.codes.toLocaleString('en')} | ${mode} | ${(f.ms / 1000).toFixed(2)} s | ${(f.cpuMs / 1000).toFixed(2)} s | ${f.peakRssMiB.toFixed(0)} MiB | ${f.baselineRssMiB.toFixed(0)} MiB | ${f.rowsRead.toLocaleString('en')} |`;
      console.log(line('every row', rows));
      console.log(line(`snapshot + ${delta.toLocaleString('en')} changed rows`, snapshot));
      console.log(`|  |  | (writing the snapshot: ${(written.ms / 1000).toFixed(1)} s, ${(written.bytes / 2 ** 20).toFixed(1)} MiB in the database) | | | | | |`);
      console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    } finally {
      await pgDb?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
