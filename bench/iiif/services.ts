/**
 * The outside programs of bench/iiif.ts: Debian's iipsrv (FastCGI, started by spawn-fcgi, behind
 * lighttpd), memcached, the vips CLI and wrk. Installs what is missing, writes the configs into the
 * bench's temp dir, and remembers every process it starts so they are all killed when the bench
 * ends, however it ends (the caller hooks `killAll` to exit and to SIGINT/SIGTERM).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const IIPSRV_FCGI = '/usr/lib/iipimage-server/iipsrv.fcgi';

/** Debian package → the file that shows it is installed. */
const PACKAGES: Record<string, string> = {
  'iipimage-server': IIPSRV_FCGI,
  lighttpd: '/usr/sbin/lighttpd',
  'spawn-fcgi': '/usr/bin/spawn-fcgi',
  memcached: '/usr/bin/memcached',
  'libvips-tools': '/usr/bin/vips',
  wrk: '/usr/bin/wrk',
};

/** Installs the missing packages with apt-get; returns lines for the report (what was there, what was installed, what failed). */
export function ensurePackages(): string[] {
  const missing = Object.entries(PACKAGES).filter(([, file]) => !fs.existsSync(file)).map(([name]) => name);
  if (missing.length === 0) return [`packages: all present (${Object.keys(PACKAGES).join(', ')})`];
  const lines = [`packages missing: ${missing.join(', ')}`];
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let run = install();
  if (run.status !== 0) {
    // A fresh machine has no package lists yet.
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    run = install();
  }
  for (const name of missing) {
    const policy = spawnSync('apt-cache', ['policy', name], { encoding: 'utf8' }).stdout;
    const candidate = /Candidate:\s*(\S+)/.exec(policy)?.[1] ?? 'none';
    lines.push(`  ${name}: ${fs.existsSync(PACKAGES[name]!) ? `installed ${candidate}` : `FAILED (apt-cache candidate: ${candidate})`}`);
  }
  if (run.status !== 0) lines.push(`  apt-get exited ${run.status}: ${run.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  return lines;
}

/** Whether every program the bench drives is installed. */
export function missingPrograms(): string[] {
  return Object.entries(PACKAGES).filter(([, file]) => !fs.existsSync(file)).map(([name]) => name);
}

/** Every process the bench started, by pid, so each is ended by its id and none is left behind. */
export class Processes {
  private readonly pids = new Set<number>();

  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    if (child.pid) this.pids.add(child.pid);
    child.once('exit', () => child.pid && this.pids.delete(child.pid));
    return child;
  }

  /** A process started by one of ours that did not stay our child (spawn-fcgi's forks). */
  adopt(pid: number): void {
    this.pids.add(pid);
  }

  kill(pid: number): void {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    this.pids.delete(pid);
  }

  /** Synchronous, so it works from an 'exit' handler. */
  killAll(): void {
    for (const pid of [...this.pids]) this.kill(pid);
  }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Waits until `url` answers 200 (a server starting). */
export async function waitFor(url: string, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${seconds} s (${last})`);
}

/** iipsrv behind lighttpd: `base` + `file.tif/{region}/{size}/…` is a IIIF request for a file in its `dir`. */
export interface Iipsrv {
  base: string;
  /** lighttpd's and the two iipsrv processes' ids (for their CPU time). */
  pids: number[];
  stop(): void;
}

/**
 * Starts iipsrv as 2 FastCGI processes (spawn-fcgi -F 2) on a loopback port, with its settings in
 * the environment as the man page says for spawn-fcgi, and lighttpd (foreground) forwarding
 * /fcgi-bin/iipsrv.fcgi to them. `memcached` ("host:port") turns on iipsrv's answer cache.
 */
export async function startIipsrv(processes: Processes, dir: string, options: { cacheMb: number; jpegQuality: number; memcached?: string }): Promise<Iipsrv> {
  const httpPort = await freePort();
  const fcgiPort = await freePort();
  const tag = options.memcached ? 'memcached' : 'plain';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    FILESYSTEM_PREFIX: `${dir}/`,
    // The tile cache (compressed tiles, per process), the same size as Wenyuan's answer cache.
    MAX_IMAGE_CACHE_SIZE: String(options.cacheMb),
    JPEG_QUALITY: String(options.jpegQuality),
    MAX_CVT: '5000',
    VERBOSITY: '0',
    LOGFILE: path.join(dir, `iipsrv-${tag}.log`),
    ...(options.memcached ? { MEMCACHED_SERVERS: options.memcached, MEMCACHED_TIMEOUT: '86400' } : {}),
  };
  const spawned = spawnSync('spawn-fcgi', ['-a', '127.0.0.1', '-p', String(fcgiPort), '-F', '2', '--', IIPSRV_FCGI], { encoding: 'utf8', env });
  const pids = [...`${spawned.stdout}\n${spawned.stderr}`.matchAll(/PID:\s*(\d+)/g)].map((m) => Number(m[1]));
  for (const pid of pids) processes.adopt(pid);
  if (spawned.status !== 0 || pids.length !== 2) throw new Error(`spawn-fcgi failed (${spawned.status}): ${spawned.stderr || spawned.stdout}`);

  const conf = path.join(dir, `lighttpd-${tag}.conf`);
  fs.writeFileSync(conf, [
    'server.modules = ( "mod_fastcgi" )',
    `server.document-root = "${dir}"`,
    'server.bind = "127.0.0.1"',
    `server.port = ${httpPort}`,
    `server.errorlog = "${path.join(dir, `lighttpd-${tag}.log`)}"`,
    'server.max-fds = 4096',
    'server.max-connections = 1024',
    'fastcgi.server = ( "/fcgi-bin/iipsrv.fcgi" => ( (',
    `  "host" => "127.0.0.1", "port" => ${fcgiPort}, "check-local" => "disable"`,
    ') ) )',
    '',
  ].join('\n'));
  const lighttpd = processes.spawn('lighttpd', ['-D', '-f', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${httpPort}/fcgi-bin/iipsrv.fcgi?IIIF=`;
  return {
    base,
    pids: [...(lighttpd.pid ? [lighttpd.pid] : []), ...pids],
    stop() {
      if (lighttpd.pid) processes.kill(lighttpd.pid);
      for (const pid of pids) processes.kill(pid);
    },
  };
}

/** memcached on a loopback port; returns "127.0.0.1:port". */
export async function startMemcached(processes: Processes, megabytes: number): Promise<{ address: string; pid: number; stop(): void }> {
  const port = await freePort();
  const child = processes.spawn('memcached', ['-u', 'nobody', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', String(megabytes), '-t', '2'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // memcached has no HTTP: wait until its port takes a connection.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { address: `127.0.0.1:${port}`, pid: child.pid ?? 0, stop: () => child.pid && processes.kill(child.pid) };
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system, ms) a process has used so far, or of one of its threads with `thread`. */
export function cpuMs(pid: number, thread?: number): number {
  try {
    const stat = fs.readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone
  }
}

/** What one wrk run measured. */
export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  avgKiB: number;
  errors: number;
}

const LUA = path.join(path.dirname(new URL(import.meta.url).pathname), 'url-list.lua');

/**
 * Drives `origin` with the paths in `urlFile` (bench/iiif/url-list.lua): `connections` connections
 * over 2 threads, for `seconds`, or (once) until each path was answered once.
 */
export function runWrk(processes: Processes, origin: string, urlFile: string, options: { connections: number; seconds: number; once: boolean; offset?: number }): Promise<WrkResult> {
  const threads = 2;
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${options.once ? 300 : options.seconds}s`, '--timeout', '10s', '-s', LUA, origin];
  const child = processes.spawn('wrk', args, {
    env: { ...process.env, WRK_URLS: urlFile, WRK_THREADS: String(threads), WRK_MODE: options.once ? 'once' : 'loop', WRK_OFFSET: String(options.offset ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    // Both threads have had every answer: stop wrk now (it reports on SIGINT) rather than after -d.
    if (options.once && (out.match(/thread-done/g) ?? []).length === threads) child.kill('SIGINT');
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}): ${err || out}`));
      const r = JSON.parse(line) as { requests: number; duration_us: number; bytes: number; p50_us: number; p99_us: number; max_us: number; errors: Record<string, number> };
      const seconds = r.duration_us / 1e6;
      resolve({
        requests: r.requests, seconds, rps: r.requests / seconds, p50Ms: r.p50_us / 1000, p99Ms: r.p99_us / 1000, maxMs: r.max_us / 1000,
        avgKiB: r.bytes / Math.max(1, r.requests) / 1024, errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
      });
    });
  });
}
