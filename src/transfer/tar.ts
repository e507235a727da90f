import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const BLOCK = 512;

/** Every file under `dir`, as paths relative to it with `/`, sorted (a bag packs the same way twice). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = (await fsp.readdir(path.join(dir, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header block. */
function header(name: string, size: number, type: '0' | 'x', mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** A pax record `"<len> path=<value>\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

/**
 * Packs a directory into a POSIX tar file under `root/` (pax headers for names past 100 bytes or not
 * ASCII: a bag keeps its original file names, Chinese included). Returns the tar's size in bytes.
 */
export async function packDirectory(dir: string, root: string, outFile: string, mtime: Date): Promise<number> {
  const files = await listFiles(dir);
  const seconds = Math.floor(mtime.getTime() / 1000);
  const out = fs.createWriteStream(outFile, { flags: 'wx' });
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const rel of files) {
      const name = `${root}/${rel}`;
      const stat = await fsp.stat(path.join(dir, rel));
      if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) {
        const pax = Buffer.from(paxRecord('path', name), 'utf8');
        yield header('PaxHeader', pax.length, 'x', seconds);
        yield pax;
        yield padding(pax.length);
      }
      yield header(Buffer.from(name).subarray(0, 100).toString('latin1').replace(/[^\x20-\x7e]/g, '_'), stat.size, '0', seconds);
      for await (const chunk of fs.createReadStream(path.join(dir, rel))) yield chunk as Buffer;
      yield padding(stat.size);
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  await pipeline(blocks, out);
  return (await fsp.stat(outFile)).size;
}
