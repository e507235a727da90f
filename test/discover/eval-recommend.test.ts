import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';

vi.setConfig({ testTimeout: 180_000 });

const MOVIELENS = path.resolve(process.cwd(), '../shared/data/interactions/movielens-ml-latest-small-2016');
const haveMovieLens = fs.existsSync(path.join(MOVIELENS, 'ratings.csv'));

interface Row {
  method: string;
  slider?: number;
  default?: boolean;
  ndcg10: number;
  coverage: number;
  longTail: number;
  ild: number;
  p10: number;
}

/** `wenyuan eval recommend`, as a curator or a researcher runs it: the protocol, the output, and bad files. */
describe('wenyuan eval recommend', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-eval-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A synthetic log: 60 people, 80 items in four tastes; each person mostly within their taste. */
  function synthetic(): string {
    const lines = ['user,item,weight'];
    let s = 1;
    const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let u = 0; u < 60; u++) for (let k = 0; k < 20; k++) {
      const taste = random() < 0.85 ? u % 4 : Math.floor(random() * 4);
      lines.push(`u${u},i${taste * 20 + Math.floor(random() ** 2 * 20)},1`);
    }
    return lines.join('\n');
  }

  it('prints one row per method and slider setting, with the default marked, in --json', async () => {
    const file = path.join(tmp, 'log.csv');
    fs.writeFileSync(file, synthetic());
    const run = await runCli(['eval', 'recommend', '--ratings', file, '--seed', '7', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { rows: Row[]; format: string; seed: number; users: number };
    expect(out.format).toBe('csv');
    expect(out.seed).toBe(7);
    expect(out.users).toBe(60);
    expect(out.rows.map((r) => `${r.method}${r.slider ?? ''}`)).toEqual(['MostPop', 'ItemKNN', 'EASE', 'Wenyuan0', 'Wenyuan0.25', 'Wenyuan0.5', 'Wenyuan0.75', 'Wenyuan1']);
    expect(out.rows.filter((r) => r.default).map((r) => r.slider)).toEqual([0.5]);
    const ease = out.rows.find((r) => r.method === 'EASE')!;
    const pop = out.rows.find((r) => r.method === 'MostPop')!;
    // Tastes are learnable: EASE beats popularity, and the familiar end is EASE itself.
    expect(ease.ndcg10).toBeGreaterThan(pop.ndcg10);
    expect(out.rows.find((r) => r.slider === 0)!.ndcg10).toBeCloseTo(ease.ndcg10, 12);
    // The same seed gives the same figures.
    const again = JSON.parse((await runCli(['eval', 'recommend', '--ratings', file, '--seed', '7', '--json'])).stdout) as { rows: Row[] };
    expect(again.rows.map((r) => r.ndcg10)).toEqual(out.rows.map((r) => r.ndcg10));
  });

  it("reads MovieLens 100K's u.data and u.item (no headers, tabs, genre flags) without being told the format", async () => {
    // The synthetic tastes as ML-100K ships a log: numeric ids, a timestamp, and each item's genre as flags.
    const rows = synthetic().split('\n').slice(1).map((line, k) => {
      const [user, item] = line.split(',');
      return `${Number(user!.slice(1)) + 1}\t${Number(item!.slice(1)) + 1}\t4\t${881250949 + k}`;
    });
    fs.writeFileSync(path.join(tmp, 'u.data'), rows.join('\n'));
    const flags = (genre: number) => Array.from({ length: 19 }, (_, k) => (k === genre ? '1' : '0')).join('|');
    fs.writeFileSync(path.join(tmp, 'u.item'), Array.from({ length: 80 }, (_, i) => `${i + 1}|Film ${i + 1} (1995)|01-Jan-1995||http://example.org/${i + 1}|${flags(1 + Math.floor(i / 20))}`).join('\n'));
    const run = await runCli(['eval', 'recommend', '--ratings', path.join(tmp, 'u.data'), '--items', path.join(tmp, 'u.item'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { rows: Row[]; format: string; users: number; diversityOver: string; skippedRows: number };
    expect(out.format).toBe('movielens');
    expect(out.users).toBe(60);
    expect(out.skippedRows).toBe(0);
    // The genres were read: diversity is measured over them, not over co-occurrence.
    expect(out.diversityOver).toBe('categories');
  });

  it('skips bad rows with a count, and refuses files that are not interaction logs', async () => {
    const file = path.join(tmp, 'bad-rows.csv');
    fs.writeFileSync(file, `${synthetic()}\nu1,,1\nu2,i3,lots\n`);
    const run = await runCli(['eval', 'recommend', '--ratings', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/skipped 2 bad row/);
    expect(run.stdout).toMatch(/goals at the default slider/);

    const wrong = path.join(tmp, 'wrong.csv');
    fs.writeFileSync(wrong, 'title,year\nA,1999\n');
    const refused = await runCli(['eval', 'recommend', '--ratings', wrong, '--format', 'movielens']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not a movielens ratings file: its header lacks "userId" and "movieId"/);

    const binary = path.join(tmp, 'binary.csv');
    fs.writeFileSync(binary, Buffer.from([0xff, 0x00, 0xfe, 0x81, 0x82, 0x00, 0x01]));
    expect((await runCli(['eval', 'recommend', '--ratings', binary])).code).not.toBe(0);
    expect((await runCli(['eval', 'recommend', '--ratings', path.join(tmp, 'missing.csv')])).stderr).toMatch(/no ratings file/);
    expect((await runCli(['eval', 'recommend', '--ratings', file, '--seed', '-1'])).stderr).toMatch(/--seed must be a whole number/);
  });

  it('reads a log in another encoding (UTF-16 with a byte-order mark)', async () => {
    const file = path.join(tmp, 'utf16.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(synthetic().replaceAll('u', '用户'), 'utf16le')]));
    const run = await runCli(['eval', 'recommend', '--ratings', file, '--format', 'csv', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { users: number }).users).toBe(60);
  });

  // Not only the split of seed 42, and with the λ each split's own validation picks: a popularity
  // discount of 0.4 passed on seed 42 and fell to 0.93 × EASE on seed 7; the next default fell to
  // 0.948 × on seed 1 once its λ was not fixed by hand.
  it.skipIf(!haveMovieLens).each([42, 7, 1])('on MovieLens (split seed %i), the default slider keeps NDCG within 5 % of EASE and triples coverage', async (seed) => {
    const run = await runCli(['eval', 'recommend', '--ratings', path.join(MOVIELENS, 'ratings.csv'), '--items', path.join(MOVIELENS, 'movies.csv'), '--json', '--seed', String(seed)]);
    expect(run.code, run.stderr).toBe(0);
    const rows = (JSON.parse(run.stdout) as { rows: Row[] }).rows;
    const ease = rows.find((r) => r.method === 'EASE')!;
    const wenyuan = rows.find((r) => r.default)!;
    expect(ease.ndcg10).toBeGreaterThan(0.3);
    expect(wenyuan.ndcg10 / ease.ndcg10).toBeGreaterThanOrEqual(0.95);
    expect(wenyuan.coverage / ease.coverage).toBeGreaterThanOrEqual(3);
    expect(wenyuan.longTail).toBeGreaterThan(5 * ease.longTail);
    expect(wenyuan.longTail).toBeGreaterThan(0.02);
    expect(wenyuan.ild / ease.ild).toBeGreaterThan(1.1);
  });
});
