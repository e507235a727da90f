// Memory benchmark (issue 10, item 8): four PNGs of 14000×14000 (196 megapixels, under the 200 MP
// limit, ≈ 0.6 MB each) uploaded at once through the HTTP API by a signed-in creator to a real
// server process (`bin/wenyuan.js serve --role all` on a fresh data dir); it waits until every job
// (display copy, public watermark, fingerprints) has finished and prints the server's peak
// resident memory (VmHWM, and the highest VmRSS sampled every 50 ms) — goal ≤ 1 GiB — and the time.
// Run: npm run build:server && npm run bench:memory
//   BENCH_IMAGES=4 BENCH_SIDE=14000   the uploads and their size
//   BENCH_BIN=path/to/bin/wenyuan.js  another build (e.g. an older commit, for a before/after)
//   WENYUAN_DECODE_BUDGET_MB=…         passed on to the server
//   BENCH_TRACE=1                      print the server's memory and the job counts every half second
//   BENCH_INTERLACED=1                 interlaced PNGs (Adam7): the decoder must hold the whole frame
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { machine, tempDir } from './support.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 4);
const SIDE = Number(process.env.BENCH_SIDE ?? 14_000);
const INTERLACED = process.env.BENCH_INTERLACED === '1';
const BIN = path.resolve(process.env.BENCH_BIN ?? 'bin/wenyuan.js');
const MiB = 1024 * 1024;
const PASSWORD = 'bench-password-1';

if (!fs.existsSync(path.join(path.dirname(BIN), '../dist/cli/main.js'))) {
  console.error(`${BIN} has no build next to it: run \`npm run build:server\` first`);
  process.exit(1);
}

const dataDir = tempDir('wenyuan-bench-memory-');
const filesDir = tempDir('wenyuan-bench-memory-files-');
process.on('exit', () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(filesDir, { recursive: true, force: true });
});

// Distinct files (one owner uploading the same bytes twice gets one work): a shade apart each.
sharp.cache(false);
const files: string[] = [];
for (let i = 0; i < IMAGES; i++) {
  const file = path.join(filesDir, `huge-${i}.png`);
  await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: { r: 255 - i, g: 255, b: 255 } }, limitInputPixels: false }).png({ compressionLevel: 9, progressive: INTERLACED }).toFile(file);
  files.push(file);
}
console.log(`${IMAGES} ${INTERLACED ? 'interlaced ' : ''}PNGs of ${SIDE}×${SIDE} (${((SIDE * SIDE) / 1e6).toFixed(0)} MP), ${(fs.statSync(files[0]!).size / 1024).toFixed(0)} KiB each`);

function cli(args: string[], input?: string): void {
  const result = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wenyuan ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
const url = `http://127.0.0.1:${port}`;
cli(['setup', '--institution-zh', '内存基准馆', '--institution-en', 'Memory Bench Museum', '--public-url', url]);
cli(['user', 'create', 'creator', '--role', 'creator', '--password-stdin'], PASSWORD);
cli(['admin', 'create', 'boss', '--password-stdin'], PASSWORD);

const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', String(port), '--role', 'all'], {
  env: { ...process.env, WENYUAN_LOG_LEVEL: process.env.WENYUAN_LOG_LEVEL ?? 'error', WENYUAN_FIXITY_INTERVAL_HOURS: '0' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.on('exit', () => child.kill('SIGKILL'));
const pid = child.pid!;

function status(field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MiB : 0;
  } catch {
    return 0;
  }
}

for (let tries = 0; ; tries++) {
  try {
    if ((await fetch(`${url}/api/health`)).ok) break;
  } catch {
    // not listening yet
  }
  if (child.exitCode !== null || tries > 300) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const idleRss = status('VmRSS');

async function signIn(username: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, 'x-wenyuan-csrf': '1' };
}
const creator = await signIn('creator');
const admin = await signIn('boss');

let peakRss = idleRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, status('VmRSS'))), 50);

const start = performance.now();
const uploads = await Promise.all(
  files.map(async (file) => {
    const form = new FormData();
    form.append('visibility', 'public');
    form.append('file', new Blob([fs.readFileSync(file)], { type: 'image/png' }), path.basename(file));
    const res = await fetch(`${url}/api/uploads`, { method: 'POST', headers: creator, body: form });
    const body = await res.text();
    return { status: res.status, body };
  }),
);
const uploadSeconds = (performance.now() - start) / 1000;
for (const u of uploads) if (u.status !== 200 || !u.body.includes('"imported"')) console.error(`upload answered ${u.status}: ${u.body.slice(0, 300)}`);

type Counts = Record<'queued' | 'running' | 'done' | 'dead', number>;
let counts: Counts;
for (;;) {
  const res = await fetch(`${url}/api/admin/jobs`, { headers: admin });
  counts = ((await res.json()) as { counts: Counts }).counts;
  if (process.env.BENCH_TRACE) console.log(`  ${((performance.now() - start) / 1000).toFixed(1)} s: RSS ${status('VmRSS').toFixed(0)} MiB, peak ${peakRss.toFixed(0)} MiB, jobs ${JSON.stringify(counts)}`);
  if (counts.queued + counts.running === 0 && counts.done + counts.dead > 0) break;
  if (child.exitCode !== null) throw new Error(`the server died (exit ${child.exitCode}, signal ${child.signalCode})`);
  await new Promise((r) => setTimeout(r, 500));
}
const totalSeconds = (performance.now() - start) / 1000;
clearInterval(sampler);
const hwm = status('VmHWM');
child.kill('SIGTERM');

console.log(`machine: ${machine()}`);
console.log(`server: ${path.relative(process.cwd(), BIN) || BIN}, WENYUAN_DECODE_BUDGET_MB=${process.env.WENYUAN_DECODE_BUDGET_MB ?? '(default)'}`);
console.log(`uploads answered in ${uploadSeconds.toFixed(1)} s (${uploads.filter((u) => u.status === 200).length}/${IMAGES} OK)`);
console.log(`every job done in ${totalSeconds.toFixed(1)} s: ${counts.done} done, ${counts.dead} dead`);
console.log(`server RSS: idle ${idleRss.toFixed(0)} MiB, peak sampled ${peakRss.toFixed(0)} MiB, VmHWM ${hwm.toFixed(0)} MiB (goal ≤ 1024 MiB: ${hwm <= 1024 ? 'met' : 'NOT met'})`);
process.exit(0);
