import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFile, ImportItemError, openRegular, withOpenFile } from './import-util.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-open-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openRegular', () => {
  it('opens a file by the bytes of its name, which need not be UTF-8, and reads it through the path it gives', async () => {
    const name = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from('c9bdcbaeff', 'hex')]);
    fs.writeFileSync(name, 'content');
    const hash = await withOpenFile(name, 'x', (file) => hashFile(file.path));
    expect(hash).toBe('ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73');
  });

  it('refuses a pipe without blocking, and a link (a file swapped for either after the walk)', async () => {
    const pipe = path.join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    const started = performance.now();
    await expect(openRegular(Buffer.from(pipe), 'pipe')).rejects.toMatchObject({ name: 'ImportItemError', why: { key: 'import.not_regular' } });
    expect(performance.now() - started).toBeLessThan(2_000);
    fs.writeFileSync(path.join(dir, 'target'), 'x');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    await expect(openRegular(Buffer.from(path.join(dir, 'link')), 'link')).rejects.toBeInstanceOf(ImportItemError);
  });

  it.skipIf(process.platform !== 'linux')('refuses a file reached through a folder swapped for a link out of the import folder', async () => {
    const root = path.join(dir, 'root');
    fs.mkdirSync(path.join(dir, 'outside'), { recursive: true });
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(dir, 'outside', 'secret.png'), 'secret');
    fs.symlinkSync(path.join(dir, 'outside'), path.join(root, 'sub')); // was a folder when the walk listed it
    await expect(openRegular(Buffer.from(path.join(root, 'sub', 'secret.png')), 'sub/secret.png', Buffer.from(root))).rejects.toMatchObject({
      why: { key: 'import.link_outside', params: { path: 'sub/secret.png', target: path.join(dir, 'outside', 'secret.png') } },
    });
    fs.writeFileSync(path.join(root, 'fine.png'), 'fine');
    await expect(withOpenFile(Buffer.from(path.join(root, 'fine.png')), 'fine.png', async (f) => f.size, Buffer.from(root))).resolves.toBe(4);
  });
});
