import { describe, expect, it } from 'vitest';
import { decodeName, plainlyGbk } from './folder-walk.js';

const hex = (h: string): Buffer => Buffer.from(h, 'hex');

describe('decodeName', () => {
  it('reads UTF-8 names as they are, GBK names (not UTF-8) as GB18030', () => {
    expect(decodeName(Buffer.from('山水.png'))).toEqual({ name: '山水.png', encoding: 'utf-8' });
    expect(decodeName(Buffer.from('Ærøskøbing.jpg'))).toEqual({ name: 'Ærøskøbing.jpg', encoding: 'utf-8' });
    // 花鸟 in GBK: bb a8 c4 f1 is not UTF-8.
    expect(decodeName(Buffer.concat([hex('bba8c4f1'), Buffer.from('.png')]))).toEqual({ name: '花鸟.png', encoding: 'gb18030' });
    expect(plainlyGbk(hex('bba8c4f1'))).toBe(true);
    expect(plainlyGbk(Buffer.from('山水'))).toBe(false);
  });

  it('reads a GBK name that is also valid UTF-8 gibberish as GB18030', () => {
    // 山水 in GBK is c9bd cbae, which UTF-8 reads as "ɽˮ" (IPA letters nobody names a file with).
    expect(decodeName(Buffer.concat([hex('c9bdcbae'), Buffer.from('.png')]))).toEqual({ name: '山水.png', encoding: 'gb18030', asUtf8: 'ɽˮ.png' });
  });

  it('reads a Latin UTF-8 name as UTF-8 unless its neighbours are plainly GBK', () => {
    const name = Buffer.from('Müller.jpg'); // ü is c3 bc, also the GB2312 character 谜
    expect(decodeName(name).encoding).toBe('utf-8');
    expect(decodeName(name, true).encoding).toBe('gb18030');
    // Their second bytes are below a1: no GB2312 reading, so UTF-8 whatever the neighbours.
    for (const other of ['Ærøskøbing.jpg', 'Ελλάδα.jpg', 'Москва.jpg']) expect(decodeName(Buffer.from(other), true).encoding).toBe('utf-8');
  });

  it('shows undecodable bytes as replacement characters', () => {
    expect(decodeName(hex('ff2e706e67'))).toEqual({ name: '\uFFFD.png', encoding: 'unknown' });
  });
});
