import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

const BIN = path.resolve('bin/wenyuan.js');

/** Runs a `wenyuan` CLI command against a data dir; throws with its output when it fails. */
export function cli(dataDir: string, args: string[], input?: string): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { input, encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

/** A TCP port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface RunningServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built server (`node bin/wenyuan.js serve`) on a free port with a fresh data dir, set up
 * (`wenyuan setup`: a test institution, the server's own address as public URL) unless
 * `options.setup` is false, for tests of the first run itself. `options.host` names the server in its
 * public URL and `url` (default 127.0.0.1): passkeys need `localhost`, as browsers refuse an IP address as RP ID.
 */
export async function startServer(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-e2e-')), options: { setup?: boolean; host?: string } = {}): Promise<RunningServer> {
  if (!fs.existsSync('dist/cli/main.js') || !fs.existsSync('web/dist/index.html')) throw new Error('run `npm run build` before the end-to-end tests');
  const port = await freePort();
  if (options.setup !== false) {
    const setup = cli(dataDir, ['setup', '--institution-zh', '端到端测试馆', '--institution-en', 'End-to-end Test Museum', '--public-url', `http://${options.host ?? '127.0.0.1'}:${port}`]);
    if (setup.status !== 0) throw new Error(`wenyuan setup failed:\n${setup.stdout}${setup.stderr}`);
  }
  const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

/** Debian's Chromium, or null when it is not installed (CI installs it and sets WENYUAN_TEST_CHROMIUM). */
export function chromiumPath(): string | null {
  const candidate = process.env.WENYUAN_TEST_CHROMIUM ?? '/usr/bin/chromium';
  if (fs.existsSync(candidate)) return candidate;
  if (process.env.WENYUAN_TEST_CHROMIUM) throw new Error(`WENYUAN_TEST_CHROMIUM=${candidate} does not exist`);
  return null;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Signs in through the login page and waits until the app has left it. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Closes the browser, stops the server and deletes its data directory. */
export async function tearDown(browser: Browser | undefined, server: RunningServer | undefined): Promise<void> {
  await browser?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
}

/** A JSON API call as a signed-in browser makes it (session cookie + CSRF header); fails the test on a non-2xx answer. */
export type Caller = <T>(method: string, url: string, body?: unknown) => Promise<T>;

/** Signs `username` in through the API and returns a caller with that session. */
export async function apiAs(server: Pick<RunningServer, 'url'>, username: string, password: string): Promise<Caller> {
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username, password }) });
  expect(login.ok, `login ${username}`).toBe(true);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${url}`, { method, headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1', cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    expect(res.ok, `${method} ${url}: ${res.status} ${text}`).toBe(true);
    return (text ? JSON.parse(text) : null) as T;
  };
}
