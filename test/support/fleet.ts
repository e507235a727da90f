// Processes of a fleet (`serve --role api|worker`, other `wenyuan` commands) started from the
// sources through cli-child.ts, for tests that need real processes: fleet.test.ts, fleet-faults.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(repoRoot, 'test/support/cli-child.ts');

export interface Child {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 10 s: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a power cut or the OOM killer would; resolves once the process is gone. */
  kill9(): Promise<void>;
}

/** Starts `wenyuan <args>` as its own process with `env` added to this one's. */
export function startWenyuan(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    output: () => output,
    exited,
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until the API process at `url` answers /api/health (fails if it exits or takes two minutes). */
export async function waitForHealth(url: string, child: Child): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`API process did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls `probe` every 250 ms until it gives a value, or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
