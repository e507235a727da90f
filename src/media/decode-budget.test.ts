import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeBudget, decodeCost, readImageHeader, withDecodeBudget, type ImageHeader } from './decode-budget.js';

const MiB = 1024 * 1024;

/** A decode that runs until the test lets it finish, recording how many run beside it. */
function gate(budget: DecodeBudget, bytes: number, log: string[], name: string): { done: Promise<void>; finish: () => void; started: () => boolean } {
  let finish!: () => void;
  let started = false;
  const held = new Promise<void>((resolve) => (finish = resolve));
  const done = budget.run(bytes, async () => {
    started = true;
    log.push(`${name} start (running ${budget.stats().running})`);
    await held;
    log.push(`${name} end`);
  });
  return { done, finish: () => finish(), started: () => started };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DecodeBudget', () => {
  it('never runs two decodes at once when together they exceed the budget', async () => {
    const budget = new DecodeBudget(100);
    const log: string[] = [];
    const a = gate(budget, 60, log, 'a');
    const b = gate(budget, 60, log, 'b');
    await tick();
    expect(a.started()).toBe(true);
    expect(b.started()).toBe(false);
    expect(budget.stats()).toMatchObject({ running: 1, waiting: 1, inUseBytes: 60 });
    a.finish();
    await a.done;
    await tick();
    expect(b.started()).toBe(true);
    b.finish();
    await b.done;
    expect(log).toEqual(['a start (running 1)', 'a end', 'b start (running 1)', 'b end']);
    expect(budget.stats()).toMatchObject({ running: 0, inUseBytes: 0, peakRunning: 1, peakInUseBytes: 60, granted: 2, waited: 1 });
  });

  it('runs decodes that fit together at once', async () => {
    const budget = new DecodeBudget(100);
    const log: string[] = [];
    const gates = [gate(budget, 30, log, 'a'), gate(budget, 30, log, 'b'), gate(budget, 30, log, 'c')];
    await tick();
    expect(gates.every((g) => g.started())).toBe(true);
    expect(budget.stats()).toMatchObject({ running: 3, inUseBytes: 90, waited: 0 });
    for (const g of gates) g.finish();
    await Promise.all(gates.map((g) => g.done));
  });

  it('runs a decode larger than the whole budget alone, once nothing else runs, and never deadlocks', async () => {
    const budget = new DecodeBudget(100);
    const log: string[] = [];
    const small = gate(budget, 10, log, 'small');
    const huge = gate(budget, 1000, log, 'huge');
    const after = gate(budget, 10, log, 'after');
    await tick();
    expect([small.started(), huge.started(), after.started()]).toEqual([true, false, false]);
    small.finish();
    await small.done;
    await tick();
    // The huge one runs alone; the small one that came after it waits its turn (first come, first served).
    expect([huge.started(), after.started()]).toEqual([true, false]);
    expect(budget.stats()).toMatchObject({ running: 1, alone: 1 });
    huge.finish();
    await huge.done;
    await tick();
    expect(after.started()).toBe(true);
    after.finish();
    await after.done;
    expect(budget.stats()).toMatchObject({ running: 0, inUseBytes: 0, peakRunning: 1, granted: 3 });
  });

  it('does not let a stream of small decodes starve a large one waiting for room', async () => {
    const budget = new DecodeBudget(100);
    const log: string[] = [];
    const first = gate(budget, 50, log, 'first');
    const large = gate(budget, 80, log, 'large');
    const later = gate(budget, 20, log, 'later'); // would fit beside `first`, but came after `large`
    await tick();
    expect([first.started(), large.started(), later.started()]).toEqual([true, false, false]);
    first.finish();
    await first.done;
    await tick();
    expect([large.started(), later.started()]).toEqual([true, true]);
    large.finish();
    later.finish();
    await Promise.all([large.done, later.done]);
  });

  it('gives the room back when a decode fails, and lets a waiting decode be cancelled', async () => {
    const budget = new DecodeBudget(100);
    await expect(budget.run(90, async () => { throw new Error('corrupt'); })).rejects.toThrow('corrupt');
    expect(budget.stats()).toMatchObject({ running: 0, inUseBytes: 0 });

    const log: string[] = [];
    const holder = gate(budget, 90, log, 'holder');
    const abort = new AbortController();
    const cancelled = budget.run(90, async () => 'ran', abort.signal);
    const next = gate(budget, 10, log, 'next'); // fits beside holder but queued behind the cancelled one
    await tick();
    expect(budget.stats().waiting).toBe(2);
    abort.abort(new Error('request closed'));
    await expect(cancelled).rejects.toThrow('request closed');
    await tick();
    expect(next.started()).toBe(true);
    holder.finish();
    next.finish();
    await Promise.all([holder.done, next.done]);
    expect(budget.stats()).toMatchObject({ running: 0, waiting: 0, inUseBytes: 0 });
  });

  it('runs a nested decode under the outer grant instead of waiting for room it holds itself', async () => {
    const budget = new DecodeBudget(100);
    const result = await budget.run(100, () => budget.run(100, async () => budget.stats().running));
    expect(result).toBe(1);
    expect(budget.stats().granted).toBe(1);
  });

  it('admits waiting decodes when the limit is raised', async () => {
    const budget = new DecodeBudget(100);
    const log: string[] = [];
    const a = gate(budget, 80, log, 'a');
    const b = gate(budget, 80, log, 'b');
    await tick();
    expect(b.started()).toBe(false);
    budget.setLimit(200);
    await tick();
    expect(b.started()).toBe(true);
    a.finish();
    b.finish();
    await Promise.all([a.done, b.done]);
  });
});

describe('decodeCost', () => {
  const big = (format: string, extra: Partial<ImageHeader> = {}): ImageHeader => ({ width: 14_000, height: 14_000, channels: 3, depth: 'uchar', format, progressive: false, orientation: 1, ...extra });
  const frame = 14_000 * 14_000 * 3;

  it('counts a few rows for decoders that stream (plain PNG, baseline JPEG) and the whole frame for those that do not', () => {
    expect(decodeCost(big('png'), { shrinkTo: 480 })).toBeLessThan(frame / 4);
    expect(decodeCost(big('jpeg'), { shrinkTo: 480 })).toBeLessThan(32 * MiB); // and libjpeg decodes at 1/8
    expect(decodeCost(big('png', { progressive: true }), { shrinkTo: 480 })).toBeGreaterThan(frame);
    expect(decodeCost(big('jpeg', { progressive: true, chromaSubsampling: '4:2:0' }), { shrinkTo: 480 })).toBeGreaterThan(frame);
    expect(decodeCost(big('tiff'), { shrinkTo: 480 })).toBeGreaterThan(frame);
    expect(decodeCost(big('gif', { channels: 3 }), { shrinkTo: 480 })).toBeGreaterThan((frame * 4) / 3);
    expect(decodeCost(big('png', { depth: 'ushort', channels: 4, progressive: true }))).toBeGreaterThan(frame * (8 / 3));
  });

  it('counts what the caller keeps, at the size it keeps it, and a turned image as a whole frame', () => {
    expect(decodeCost(big('png'), { keptBytesPerPixel: 3 })).toBeGreaterThan(frame);
    expect(decodeCost(big('png'), { shrinkTo: 2048, keptBytesPerPixel: 7 })).toBeLessThan(frame / 3);
    expect(decodeCost(big('png'), { shrinkTo: 2048, keptBytesPerPixel: 7 }) - decodeCost(big('png'), { shrinkTo: 2048 })).toBeGreaterThan(2048 * 2048 * 7);
    expect(decodeCost(big('png', { orientation: 6 }), { shrinkTo: 480 })).toBeGreaterThan(frame);
  });

  it('lets WebP shrink on load', () => {
    expect(decodeCost(big('webp'), { shrinkTo: 480 })).toBeLessThan(32 * MiB);
    expect(decodeCost(big('webp'))).toBeGreaterThan(frame);
  });
});

describe('reading headers', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'decode-budget-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads what the estimate needs from real files, without decoding them', async () => {
    const create = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } });
    const interlaced = path.join(dir, 'interlaced.png');
    const progressive = path.join(dir, 'progressive.jpg');
    const plain = path.join(dir, 'plain.png');
    await create().png({ progressive: true }).toFile(interlaced);
    await create().jpeg({ progressive: true }).toFile(progressive);
    await create().png().toFile(plain);
    expect(await readImageHeader(interlaced)).toMatchObject({ width: 300, height: 200, channels: 3, depth: 'uchar', format: 'png', progressive: true });
    expect(await readImageHeader(progressive)).toMatchObject({ format: 'jpeg', progressive: true, chromaSubsampling: '4:2:0' });
    expect(await readImageHeader(plain)).toMatchObject({ format: 'png', progressive: false, orientation: 1 });
    expect(await readImageHeader(Buffer.from('not an image'))).toBeNull();
  });

  it('sizes the grant from the header and skips the budget for images refused at the header', async () => {
    const budget = new DecodeBudget(1);
    const file = path.join(dir, 'sized.png');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toFile(file);
    await withDecodeBudget(file, { maxPixels: 10_000 }, async () => undefined, budget);
    expect(budget.stats()).toMatchObject({ granted: 1, alone: 1 }); // larger than a 1-byte budget: ran alone
    await withDecodeBudget(file, { maxPixels: 100 }, async () => undefined, budget);
    expect(budget.stats().granted).toBe(1); // over maxPixels: the decode refuses it at once
  });
});
