// Real processes for the scale benchmarks (issue 16): `wenyuan serve` from the sources, an s3rver
// S3 server (scripts/s3-test-server.mjs), nginx as a round-robin load balancer, and /proc readings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** s3rver's fixed key pair. */
export const S3RVER_KEYS = { WENYUAN_S3_ACCESS_KEY_ID: 'S3RVER', WENYUAN_S3_SECRET_ACCESS_KEY: 'S3RVER' };

export interface Child {
  process: ChildProcess;
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

const running = new Set<Child>();
// A benchmark that throws still leaves no server behind.
process.on('exit', () => {
  for (const child of running) child.process.kill('SIGKILL');
});

function track(child: ChildProcess, name: string): Child {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const handle: Child = {
    process: child,
    pid: child.pid!,
    output: () => output,
    async stop() {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (!child.pid) throw new Error(`${name} did not start`);
  running.add(handle);
  return handle;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** `wenyuan <args>` from the sources, as its own process (its pid is the server's: no wrapper). */
export function startWenyuan(args: string[], env: Record<string, string>, nodeFlags: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'bench/serve-source.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(child, 'wenyuan');
}

export async function waitForHealth(base: string, child: Child, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`${base} did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An s3rver on a free loopback port (data in a temporary folder it removes on stop); returns its blob-store URL. */
export async function startS3(): Promise<{ url: string; child: Child }> {
  const child = track(spawn(process.execPath, ['scripts/s3-test-server.mjs', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), 's3rver');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /WENYUAN_TEST_S3_URL=(\S+)/.exec(child.output());
    if (match) return { url: match[1]!, child };
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`s3rver did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** nginx in front of `upstreams` (round robin, keep-alive to the upstreams), on `port`; null when nginx is not installed. */
export function startNginx(port: number, upstreams: string[], dir: string): Child | null {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  if (!nginx) return null;
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  client_max_body_size 0;
  upstream wenyuan {
${upstreams.map((u) => `    server ${u};`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://wenyuan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
`,
  );
  return track(spawn(nginx, ['-c', conf, '-p', dir, '-e', path.join(dir, 'logs/error.log')], { stdio: ['ignore', 'pipe', 'pipe'] }), 'nginx');
}

/** nginx's version line, or null. */
export function nginxVersion(): string | null {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  return nginx ? spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr.trim() : null;
}

/** A field of /proc/<pid>/status in KiB (VmRSS: now; VmHWM: the peak so far), or NaN once the process is gone. */
export function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return Number.NaN;
  }
}

/** The machine's load averages, to read the figures beside (other work on the machine skews them). */
export function loadLine(): string {
  const [one, five] = fs.readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load average ${one} (1 min), ${five} (5 min)`;
}
