import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { TestContext } from './test-app.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `wenyuan <args>` in this process and captures what it prints (process streams and console)
 * and its exit code (printed text without its final newline). With `ctx`, the command is pointed at that context's data dir and database.
 */
export async function runCli(args: string[], ctx?: TestContext): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (stdout += `${parts.join(' ')}\n`)),
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (stderr += `${parts.join(' ')}\n`)),
  ];
  const instance = ctx ? ['--data-dir', ctx.app.config.dataDir, '--database-url', ctx.app.config.databaseUrl] : [];
  try {
    process.exitCode = 0;
    await main(['node', 'wenyuan', ...args, ...instance]);
    // Without the final newline, as a shell's $(…) would give it.
    return { code: Number(process.exitCode ?? 0), stdout: stdout.replace(/\n$/, ''), stderr: stderr.replace(/\n$/, '') };
  } finally {
    process.exitCode = 0;
    for (const spy of spies) spy.mockRestore();
  }
}
