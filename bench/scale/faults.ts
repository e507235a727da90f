// kill -9 in a real fleet, many times (issue 16): runs test/platform/fleet-faults.test.ts with many
// rounds per fault and prints what happened in each, then a summary. Starts an s3rver when
// WENYUAN_TEST_S3_URL is unset; PostgreSQL is used when WENYUAN_TEST_POSTGRES_URL (or the default
// local server) answers.
//
//   node --import tsx bench/scale/faults.ts [--rounds 20] [--seed 1234] [--sqlite]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT, startS3 } from './processes.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const rounds = Number(option('rounds') ?? 20);
const seed = option('seed');
const started = Date.now();
const s3 = process.env.WENYUAN_TEST_S3_URL ? null : await startS3();
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  WENYUAN_FAULT_ROUNDS: String(rounds),
  // SQLite too only when asked: the long run is about PostgreSQL and S3.
  WENYUAN_FAULT_SQLITE: process.argv.includes('--sqlite') ? '1' : '0',
  ...(seed ? { WENYUAN_FAULT_SEED: seed } : {}),
  ...(s3 ? { WENYUAN_TEST_S3_URL: s3.url } : {}),
};

const events: string[] = [];
const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/platform/fleet-faults.test.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
const strip = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '');
let tail = '';
for (const stream of [child.stdout, child.stderr]) {
  createInterface({ input: stream }).on('line', (raw) => {
    const line = strip(raw);
    tail = (tail + line + '\n').slice(-8000);
    if (/^fleet-faults|^\s+left by/.test(line)) {
      events.push(line);
      console.log(line);
    }
  });
}
const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
await s3?.child.stop();

const count = (pattern: RegExp) => events.filter((e) => pattern.test(e)).length;
const numbers = (pattern: RegExp) => events.flatMap((e) => [...e.matchAll(pattern)].map((m) => Number(m[1])));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const orphaned = numbers(/(\d+) left running/g);
const recovery = numbers(/all jobs done (\d+) ms/g);
console.log('\nsummary');
console.log(`  seed ${events[0]?.match(/seed (\d+)/)?.[1] ?? '?'}, ${rounds} round(s) per fault, ${((Date.now() - started) / 1000).toFixed(0)} s wall`);
console.log(`  API processes killed mid-upload: ${count(/API round/)}; files acknowledged: ${sum(numbers(/(\d+) files acknowledged/g))}; left by the killed: ${sum(numbers(/(\d+) temporary file/g))} temporary files, ${sum(numbers(/(\d+) staging object/g))} staging objects`);
console.log(`  workers killed mid-job: ${count(/worker round/)}; jobs caught running: ${sum(orphaned)}; all jobs done after the last restart in ${recovery.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || '—'}`);
console.log(`  sequencer lease holders killed: ${count(/sequencer round/)}; registrations accepted: ${Math.max(0, ...numbers(/(\d+) accepted so far/g))} (largest run)`);
console.log(`  result: ${code === 0 ? 'every check passed' : `FAILED (vitest exit ${code})`}`);
if (code !== 0) console.log(tail);
process.exitCode = code ?? 1;
