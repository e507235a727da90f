import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';


// Scans hash each suspect ~100 ways and read its watermark (1–2 s for an unmarked image): slower
// than most tests, and slower still when both database runs share the two cores.
vi.setConfig({ testTimeout: 120_000 });

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');
const haveImages = fs.existsSync(KODAK);

/** `wenyuan fingerprint`, `wenyuan watermark embed|detect` and `wenyuan scan`, as scripts call them. */
describe.skipIf(!haveImages)('protection commands', () => {
  let tmp: string;
  let ctx: TestContext;
  const image = path.join(KODAK, 'kodim03.png');

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-protect-cli-'));
    ctx = await createTestContext('sqlite');
  });

  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fingerprint --json prints PDQ with quality, the eight variants and ISCC codes', async () => {
    const run = await runCli(['fingerprint', image, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { pdq: { hash: string; quality: number }; variants: { transform: string; hash: string }[]; iscc: Record<string, string>; matchable: boolean };
    expect(out.pdq.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.pdq.quality).toBeGreaterThanOrEqual(50);
    expect(out.variants.map((v) => v.transform)).toEqual(['original', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1']);
    expect(out.variants[0]!.hash).toBe(out.pdq.hash);
    expect(new Set(out.variants.map((v) => v.hash)).size).toBe(8);
    expect(Object.keys(out.iscc).sort()).toEqual(['content', 'data', 'instance', 'iscc']);
    expect(out.matchable).toBe(true);
  });

  it('fingerprint refuses what it cannot read, with the reason and exit 1', async () => {
    const broken = path.join(tmp, 'broken.png');
    fs.writeFileSync(broken, fs.readFileSync(image).subarray(0, 3000));
    const run = await runCli(['fingerprint', broken, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/corrupt|truncated/);
    const tiny = path.join(tmp, 'tiny.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } }).png().toFile(tiny);
    expect((await runCli(['fingerprint', tiny])).stderr).toMatch(/at least 64 px/);
    expect((await runCli(['fingerprint', path.join(tmp, 'missing.png')])).stderr).toMatch(/no file/);
  });

  it('watermark embed then detect returns the payload; an unmarked image and a wrong key return null', async () => {
    const keyFile = path.join(tmp, 'wm.key');
    fs.writeFileSync(keyFile, 'ab'.repeat(32));
    const marked = path.join(tmp, 'marked.jpg');
    const embed = await runCli(['watermark', 'embed', image, marked, '--payload', 'c0ffee123456', '--key', keyFile, '--json']);
    expect(embed.code, embed.stderr).toBe(0);
    expect((JSON.parse(embed.stdout) as { psnr: number }).psnr).toBeGreaterThanOrEqual(40);
    const detect = await runCli(['watermark', 'detect', marked, '--key', keyFile, '--json']);
    expect(JSON.parse(detect.stdout)).toMatchObject({ payload: 'c0ffee123456' });
    expect((JSON.parse(detect.stdout) as { confidence: number }).confidence).toBeGreaterThan(0);
    expect(JSON.parse((await runCli(['watermark', 'detect', image, '--key', keyFile, '--json'])).stdout)).toMatchObject({ payload: null });
    expect(JSON.parse((await runCli(['watermark', 'detect', marked, '--key', 'cd'.repeat(32), '--json'])).stdout)).toMatchObject({ payload: null });
    expect((await runCli(['watermark', 'embed', image, marked, '--payload', 'xyz', '--key', keyFile])).stderr).toMatch(/12 hex digits/);
    expect((await runCli(['watermark', 'embed', image, path.join(tmp, 'out.bmp'), '--payload', 'c0ffee123456', '--key', keyFile])).stderr).toMatch(/\.png, \.jpg or \.webp/);
  });

  it('scan --json checks every image of a folder against the archive', async () => {
    const owner = await ctx.app.identity.createUser({ username: 'cli-owner', password: 'correct horse battery', role: 'creator' });
    await ctx.app.ingest.ingest({ kind: 'user', id: owner.id, username: owner.username, role: owner.role }, fs.createReadStream(image), 'kodim03.png', { visibility: 'public' });
    await ctx.app.worker.drain();
    const folder = path.join(tmp, 'suspects');
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    await sharp(image).resize(300).jpeg({ quality: 60 }).toFile(path.join(folder, 'sub', 'copy.jpg'));
    fs.copyFileSync(path.join(KODAK, 'kodim04.png'), path.join(folder, 'other.png'));
    fs.writeFileSync(path.join(folder, 'readme.txt'), 'skipped: not an image name');
    const run = await runCli(['scan', folder, '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    const { items } = JSON.parse(run.stdout) as { items: { name: string; status: string; matches: { transforms: string[] }[] }[] };
    expect(items.map((i) => [i.name, i.status])).toEqual([['other.png', 'no_match'], ['sub/copy.jpg', 'matched']]);
    expect(items[1]!.matches[0]!.transforms.join(' ')).toMatch(/downscaled/);
  });

  it('watermark license writes a copy naming its licensee, for those who manage the work only', async () => {
    const owner = await ctx.app.identity.createUser({ username: 'cli-licensor', password: 'correct horse battery', role: 'creator' });
    await ctx.app.identity.createUser({ username: 'cli-stranger', password: 'correct horse battery', role: 'creator' });
    const work = await ctx.app.ingest.ingest({ kind: 'user', id: owner.id, username: owner.username, role: owner.role }, fs.createReadStream(path.join(KODAK, 'kodim07.png')), 'kodim07.png', { visibility: 'public' });
    const out = path.join(tmp, 'licensed.jpg');
    const refused = await runCli(['watermark', 'license', work.workId, out, '--licensee', 'Studio', '--as', 'cli-stranger'], ctx);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/manage/);
    expect(fs.existsSync(out)).toBe(false);
    const run = await runCli(['watermark', 'license', work.workId, out, '--licensee', 'Dunhuang Games', '--reference', 'L-7', '--as', 'cli-licensor', '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { serial: number; payload: string; licensee: string };
    expect(summary.licensee).toBe('Dunhuang Games');
    const detect = await runCli(['watermark', 'detect', out, '--json'], ctx);
    expect((JSON.parse(detect.stdout) as { payload: string }).payload).toBe(summary.payload);
    const copy = await ctx.app.fingerprintRepository.findCopy(summary.serial);
    expect(copy).toMatchObject({ recipient_name: 'Dunhuang Games', reference: 'L-7', purpose: 'licence', work_id: work.workId });
  });
});
