// Registry benchmark: sustained registrations per second with durable sequencing on SQLite, the
// machine's bare SHA-256 + fsync limit measured in the same run, proof generation at 10 million
// entries, and offline receipt verification. Run: npm run bench:registry
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { newId } from '../src/platform/ids.js';
import { nodeCrypto } from '../src/registry/crypto-node.js';
import { encodeEntry } from '../src/registry/entry.js';
import { TILE_WIDTH } from '../src/registry/tiles.js';
import { verifyReceipt } from '../src/registry/verify-receipt.js';
import { machine, percentile, tempDir } from './support.js';

const N = Number(process.env.BENCH_REGISTRATIONS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 4096);
const BIG = Number(process.env.BENCH_PROOF_TREE ?? 10_000_000);

function entryText(i: number): string {
  return new TextDecoder().decode(
    encodeEntry({ contentSha256: createHash('sha256').update(String(i)).digest('hex'), registrant: `ed25519:${'ab'.repeat(16)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_800_000_000 + i }),
  );
}

/** The floor any durable log pays: hash each entry, append it to a file, fsync once per batch. */
function bareHashFsync(entries: string[], batch: number, dir: string): number {
  const file = path.join(dir, 'bare.log');
  const fd = fs.openSync(file, 'a');
  const start = performance.now();
  for (let i = 0; i < entries.length; i += batch) {
    const chunk = entries.slice(i, i + batch);
    const hashes = chunk.map((e) => createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(e)])).digest());
    fs.writeSync(fd, Buffer.concat([...chunk.map((e) => Buffer.from(e)), ...hashes]));
    fs.fsyncSync(fd);
  }
  fs.closeSync(fd);
  return entries.length / ((performance.now() - start) / 1000);
}

const dataDir = tempDir('wenyuan-bench-registry-');
const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
await app.instance.configure({ name: { en: 'Bench Museum' }, publicUrl: 'https://bench.example', registryOrigin: 'bench.example/registry' });
const entries = Array.from({ length: N }, (_, i) => entryText(i));
const bare = bareHashFsync(entries, BATCH, dataDir);

// Registrations arrive in durable batches (a curator's bulk registration), then are sequenced.
const start = performance.now();
for (let i = 0; i < N; i += BATCH) {
  const now = new Date().toISOString();
  await app.registryRepository.insertPendingMany(entries.slice(i, i + BATCH).map((entry) => ({ id: newId(), entry, work_id: null, user_id: null, created_at: now })));
  await app.registry.log.sequence(BATCH);
}
await app.registry.log.drain();
const seconds = (performance.now() - start) / 1000;
const rate = N / seconds;
const checkpoints = (await app.registryRepository.allCheckpoints()).length;

// Proofs at the sequenced size, from the database (cold, then with caches warm).
const size = (await app.registryRepository.state()).size;
const proofTimes: number[] = [];
for (let i = 0; i < 2200; i++) {
  const index = Math.floor(Math.random() * size);
  const t = performance.now();
  await app.registry.log.inclusionProof(index, size);
  await app.registry.log.consistencyProof(1 + Math.floor(Math.random() * (size - 1)), size);
  if (i >= 200) proofTimes.push(performance.now() - t); // the first 200 warm up
}
proofTimes.sort((a, b) => a - b);

// Receipt verification (Node), as `wenyuan verify` does it.
const pending = { id: newId(), entry: entryText(N + 1), work_id: null, user_id: null, created_at: new Date().toISOString() };
await app.registryRepository.insertPending(pending);
await app.registry.log.drain();
const latest = (await app.registryRepository.latestCheckpoint())!;
const index = (await app.registryRepository.entryByRegistration(pending.id))!.idx;
const receipt = JSON.stringify({
  type: 'wenyuan.registry.receipt/v1',
  registrationId: pending.id,
  log: { origin: await app.registry.log.origin(), verifierKey: await app.registry.log.verifierKey() },
  entry: pending.entry,
  index: Number(index),
  treeSize: Number(latest.size),
  proof: await app.registry.log.tlogProof(Number(index), pending.entry, { size: Number(latest.size), note: latest.note }),
  work: { id: null },
});
const pinned = await app.registry.log.verifierKey();
const verifyTimes: number[] = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  const result = await verifyReceipt(receipt, { crypto: nodeCrypto, pinnedLogKey: pinned });
  verifyTimes.push(performance.now() - t);
  if (!result.ok) throw new Error('receipt did not verify');
}
verifyTimes.sort((a, b) => a - b);
await app.close();

// Proof generation at 10 million entries: the tiles of such a tree written straight into a fresh
// database (random hashes: generation cost does not depend on their values), then proofs served
// by the real TransparencyLog over SQLite.
const bigDir = tempDir('wenyuan-bench-registry-big-');
const big = await createApp(loadConfig({ dataDir: bigDir, databaseUrl: `sqlite:${path.join(bigDir, 'wenyuan.db')}` }, {}));
await big.instance.configure({ name: { en: 'Bench Museum' }, publicUrl: 'https://bench.example', registryOrigin: 'bench.example/big' });
const fillStart = performance.now();
const levels: { level: number; full: number; partial: number }[] = [];
for (let level = 0, hashes = BIG; hashes > 0; level++, hashes = Math.floor(hashes / TILE_WIDTH)) {
  levels.push({ level, full: Math.floor(hashes / TILE_WIDTH), partial: hashes % TILE_WIDTH });
}
for (const { level, full, partial } of levels) {
  for (let from = 0; from < full + (partial ? 1 : 0); from += 2000) {
    await big.database.db.transaction().execute(async (trx) => {
      const rows = [];
      for (let n = from; n < Math.min(from + 2000, full + (partial ? 1 : 0)); n++) {
        const width = n < full ? TILE_WIDTH : partial;
        rows.push({ level, idx: n, width, hashes: randomBytes(width * 32) });
      }
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto('registry_tiles').values(rows.slice(i, i + 200)).execute();
    });
  }
}
const fillSeconds = (performance.now() - fillStart) / 1000;
const bigInclusion: number[] = [];
const bigConsistency: number[] = [];
// Warm-up (JIT, the higher-level tiles that every proof shares); then measured.
for (let i = 0; i < 300; i++) await big.registry.log.inclusionProof(Math.floor(Math.random() * BIG), BIG);
for (let i = 0; i < 3000; i++) {
  let t = performance.now();
  await big.registry.log.inclusionProof(Math.floor(Math.random() * BIG), BIG);
  bigInclusion.push(performance.now() - t);
  t = performance.now();
  await big.registry.log.consistencyProof(1 + Math.floor(Math.random() * (BIG - 1)), BIG);
  bigConsistency.push(performance.now() - t);
}
bigInclusion.sort((a, b) => a - b);
bigConsistency.sort((a, b) => a - b);
await big.close();
fs.rmSync(dataDir, { recursive: true, force: true });
fs.rmSync(bigDir, { recursive: true, force: true });

console.log(`machine: ${machine()}`);
console.log(`bare SHA-256 + append + fsync per batch of ${BATCH}: ${bare.toFixed(0)} entries/s`);
console.log(`wenyuan durable registration + sequencing (SQLite, synchronous=FULL commits, batches of ${BATCH}): ${rate.toFixed(0)} registrations/s (${N} in ${seconds.toFixed(1)} s, ${checkpoints} signed checkpoints)`);
console.log(`ratio to the bare SHA-256 + fsync limit: ${(rate / bare).toFixed(3)}`);
console.log(`proofs at ${size} entries (inclusion + consistency, SQLite): p50 ${percentile(proofTimes, 50).toFixed(2)} ms, p99 ${percentile(proofTimes, 99).toFixed(2)} ms`);
console.log(`proofs at ${BIG} entries (tiles in SQLite, filled in ${fillSeconds.toFixed(0)} s): inclusion p50 ${percentile(bigInclusion, 50).toFixed(2)} ms, p99 ${percentile(bigInclusion, 99).toFixed(2)} ms; consistency p50 ${percentile(bigConsistency, 50).toFixed(2)} ms, p99 ${percentile(bigConsistency, 99).toFixed(2)} ms (goal p99 < 2 ms)`);
console.log(`receipt verification (Node, wenyuan verify's code): p50 ${percentile(verifyTimes, 50).toFixed(2)} ms, p99 ${percentile(verifyTimes, 99).toFixed(2)} ms (goal < 5 ms)`);
