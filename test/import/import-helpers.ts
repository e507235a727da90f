import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';
import type { ImportItemResult, ImportReport } from '../../src/archive/import/import.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import type { TestContext } from '../support/test-app.js';

/** The report `wenyuan import --json` prints: the service's report plus the notes for the person running it. */
export type CliReport = ImportReport & { notes: string[]; code: number; stderr: string };

export const ADMIN: Actor = { kind: 'user', id: 'test-admin', username: 'test-admin', role: 'admin' };

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A temporary folder, removed when the file's tests are done. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Writes files (path → content) under `root`, making folders as needed. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
}

export const cli = (ctx: TestContext, args: string[]): Promise<CliRun> => runCli(['import', ...args], ctx);

/** Runs `wenyuan import … --json --no-derivatives` and parses its one JSON object. */
export async function importJson(ctx: TestContext, args: string[]): Promise<CliReport> {
  const run = await cli(ctx, [...args, '--json', '--no-derivatives']);
  if (run.stdout === '') throw new Error(`no report; stderr: ${run.stderr}`);
  return { ...(JSON.parse(run.stdout) as ImportReport & { notes: string[] }), code: run.code, stderr: run.stderr };
}

export const byItem = (report: ImportReport): Map<string, ImportItemResult> => new Map(report.items.map((i) => [i.item, i]));

/** A small image of one colour per seed, in the format asked for. */
export function image(seed: number, format: 'png' | 'jpeg' | 'tiff' = 'png'): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 } } })
    .toFormat(format)
    .toBuffer();
}

/** A minimal well-formed PDF (file-type recognises it by its header). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
