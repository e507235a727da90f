import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/platform/config.js';

// Background jobs (display copy, public watermark, fingerprint) must use the machine: one job in
// flight per core by default, so decoding (libvips threads) and the mark's arithmetic overlap.
describe('worker concurrency', () => {
  afterEach(() => vi.restoreAllMocks());

  it('defaults to one job per core', () => {
    vi.spyOn(os, 'availableParallelism').mockReturnValue(8);
    expect(loadConfig({ dataDir: '/tmp/x', databaseUrl: 'sqlite::memory:' }, {}).workerConcurrency).toBe(8);
    vi.spyOn(os, 'availableParallelism').mockReturnValue(1);
    expect(loadConfig({ dataDir: '/tmp/x', databaseUrl: 'sqlite::memory:' }, {}).workerConcurrency).toBe(1);
  });

  it('is capped at 64 and can be set', () => {
    vi.spyOn(os, 'availableParallelism').mockReturnValue(256);
    expect(loadConfig({ dataDir: '/tmp/x', databaseUrl: 'sqlite::memory:' }, {}).workerConcurrency).toBe(64);
    expect(loadConfig({ dataDir: '/tmp/x', databaseUrl: 'sqlite::memory:' }, { WENYUAN_WORKER_CONCURRENCY: '3' }).workerConcurrency).toBe(3);
  });
});
