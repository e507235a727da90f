import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobHashMismatchError, blobPath, copyVerified, explainWriteError, removeDeadPartials } from './blob-copy.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-blob-copy-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('copyVerified', () => {
  it('copies bytes that hash to their name under the final name, leaving no temporary file', async () => {
    const root = tempDir();
    const data = Buffer.from('a blob of bytes');
    const target = blobPath(root, sha(data));
    expect(await copyVerified(Readable.from([data]), sha(data), target, path.join(root, 'tmp'))).toBe(data.length);
    expect(fs.readFileSync(target).equals(data)).toBe(true);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('refuses bytes that do not hash to the name, writing nothing under it', async () => {
    const root = tempDir();
    const name = sha(Buffer.from('expected'));
    const target = blobPath(root, name);
    await expect(copyVerified(Readable.from([Buffer.from('other')]), name, target, path.join(root, 'tmp'))).rejects.toBeInstanceOf(BlobHashMismatchError);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('leaves no half-written file when the copy fails midway (a full disk), and says so plainly', async () => {
    const root = tempDir();
    const data = Buffer.alloc(1 << 20, 7);
    const target = blobPath(root, sha(data));
    const failing = new Readable({
      read() {
        this.push(data.subarray(0, 65536));
        this.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      },
    });
    await expect(copyVerified(failing, sha(data), target, path.join(root, 'tmp'))).rejects.toThrow(`no space left on the disk holding ${target} (ENOSPC)`);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});

describe('explainWriteError and removeDeadPartials', () => {
  it('passes other errors through unchanged', () => {
    const error = new Error('boom');
    expect(explainWriteError(error, '/x')).toBe(error);
  });

  it("removes partial copies of dead processes and spares a live one's", () => {
    const dir = tempDir();
    const hash = 'a'.repeat(64);
    const dead = `${hash}.999999999.abcd.part`;
    const live = `${hash}.${process.ppid}.abcd.part`;
    for (const name of [dead, live]) fs.writeFileSync(path.join(dir, name), 'x');
    expect(removeDeadPartials(dir)).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([live]);
  });
});
