import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenFailure } from '../../src/cli/serve.command.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `wenyuan <args>` from the sources as its own process; fails if it has not exited after `timeoutMs`. */
function runCliProcess(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only the settings given here: none of the caller's WENYUAN_* variables leak in.
    const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('WENYUAN_'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cli-child.ts', ...args], { cwd: repoRoot, env: { ...Object.fromEntries(inherited), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('wenyuan serve on a port that is taken', () => {
  let holder: net.Server;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as net.AddressInfo).port;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-serve-port-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port and WENYUAN_PORT / WENYUAN_HOST, exits 1 by itself, prints no stack trace', async () => {
    const run = await runCliProcess(['serve', '--data-dir', dataDir], { WENYUAN_HOST: '127.0.0.1', WENYUAN_PORT: String(port) });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('Wenyuan is running');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^wenyuan: cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is already in use`));
    expect(lines[0]).toContain('WENYUAN_PORT');
    expect(lines[0]).toContain('WENYUAN_HOST');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('listenFailure', () => {
  const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it('says what to change for the failures a person can fix', () => {
    expect(listenFailure(failure('EACCES'), '0.0.0.0', 80)).toMatch(/^cannot listen on 0\.0\.0\.0:80: not allowed to use port 80 .*WENYUAN_PORT/);
    expect(listenFailure(failure('EADDRNOTAVAIL'), '10.9.8.7', 8080)).toMatch(/10\.9\.8\.7 is not an address of this machine; set WENYUAN_HOST/);
  });

  it('gives no advice for other failures', () => {
    expect(listenFailure(failure('EMFILE'), '127.0.0.1', 8080)).toBeNull();
    expect(listenFailure('not an error', '127.0.0.1', 8080)).toBeNull();
  });
});
