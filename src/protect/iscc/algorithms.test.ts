/** Unit tests for the ISCC building blocks beyond what the conformance vectors pin down. */
import { describe, expect, it } from 'vitest';
import { algCdcChunks, CdcStreamChunker } from './cdc.js';
import { decodeBase32, decodeHeader, encodeBase32, encodeHeader, isccDecompose, MT, ST_CC } from './codec.js';
import { genDataCode, DataHasher } from './data-code.js';
import { parseDataUrl } from './data-url.js';
import { genInstanceCode, genInstanceCodeFromStream } from './instance-code.js';
import { genIsccCode } from './iscc-code.js';
import { jcsCanonicalize } from './jcs.js';
import { genMetaCode } from './meta-code.js';
import { minhashPermute, minhashPermuteReference } from './minhash.js';
import { pySplitLines, textClean, textCollapse, textRemoveNewlines, textTrim } from './text-normalize.js';
import { xxh32 } from './hashers.js';

/** Deterministic pseudo-random bytes (LCG), so failures reproduce. */
function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('minhash permutation', () => {
  it('equals the BigInt formula for edge and random features', () => {
    const features = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const rnd = pseudoRandomBytes(4 * 2000, 7);
    for (let i = 0; i < 2000; i++) features.push(new DataView(rnd.buffer).getUint32(i * 4));
    const fast: number[] = [];
    const reference: number[] = [];
    for (const f of features) {
      for (let p = 0; p < 64; p++) {
        fast.push(minhashPermute(p, f));
        reference.push(minhashPermuteReference(p, f));
      }
    }
    expect(fast).toEqual(reference);
  });
});

describe('xxh32', () => {
  it('matches the published digests', () => {
    expect(xxh32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxh32(new TextEncoder().encode('a'))).toBe(0x550d7456);
  });
});

describe('content-defined chunking', () => {
  const data = pseudoRandomBytes(200_000, 3);
  const whole = [...algCdcChunks(data)].map((c) => c.length);

  it('cuts a stream pushed in any piece sizes exactly as the whole buffer', () => {
    for (const piece of [3, 1000, 8191, 8192, 65536, 300_000]) {
      const sizes: number[] = [];
      const chunker = new CdcStreamChunker();
      for (let o = 0; o < data.length; o += piece) chunker.push(data.subarray(o, o + piece), (c) => sizes.push(c.length));
      chunker.finish((c) => sizes.push(c.length));
      expect(sizes, `piece ${piece}`).toEqual(whole);
    }
  });

  it('keeps chunks between the minimum and maximum sizes', () => {
    expect(whole.slice(0, -1).every((n) => n >= 256 && n <= 8192)).toBe(true);
    expect(whole.reduce((a, b) => a + b, 0)).toBe(data.length);
  });

  it('gives the same Data-Code streamed or whole', () => {
    const hasher = new DataHasher();
    for (let o = 0; o < data.length; o += 4099) hasher.push(data.subarray(o, o + 4099));
    expect('ISCC:' + hasher.code(256)).toBe(genDataCode(data, 256).iscc);
  });

  it('gives the same Instance-Code streamed or whole', async () => {
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let o = 0; o < data.length; o += 10_000) yield data.subarray(o, o + 10_000);
    }
    expect(await genInstanceCodeFromStream(pieces(), 128)).toEqual(genInstanceCode(data, 128));
  });
});

describe('codec', () => {
  it('round-trips base32 of every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = pseudoRandomBytes(n, n + 1);
      expect(decodeBase32(encodeBase32(bytes))).toEqual(bytes);
    }
  });

  it('round-trips headers with multi-nibble values', () => {
    for (const [m, s, v, l] of [
      [0, 0, 0, 1],
      [2, 1, 0, 7],
      [5, 4, 1, 0],
      [7, 9, 70, 600],
    ] as const) {
      const h = decodeHeader(encodeHeader(m, s, v, l));
      expect([h.mainType, h.subType, h.version, h.length]).toEqual([m, s, v, l]);
    }
  });

  it('decomposes an ISCC-CODE back into 64-bit units', () => {
    const units = ['AAAYPXW445FTYNJ3', 'EAARMJLTQCUWAND2', 'GABVVC5DMJJGYKZ4ZBYVNYABFFYXG', 'IADWIK7A7JTUAQ2D6QARX7OBEIK3OOUAM42LOBLCZ4ZOGDLRHMDL6TQ'];
    const code = genIsccCode(units).iscc;
    const parts = isccDecompose(code);
    expect(parts).toHaveLength(4);
    parts.forEach((p, i) => expect(decodeBase32(p).subarray(2)).toEqual(decodeBase32(units[i]!).subarray(2, 10)));
    expect(decodeHeader(decodeBase32(parts[1]!))).toMatchObject({ mainType: MT.CONTENT, subType: ST_CC.TEXT });
  });

  it('builds a wide ISCC-CODE from 128-bit Data and Instance units', () => {
    const wide = genIsccCode(['GABVVC5DMJJGYKZ4ZBYVNYABFFYXG', 'IADWIK7A7JTUAQ2D6QARX7OBEIK3OOUAM42LOBLCZ4ZOGDLRHMDL6TQ'], true).iscc;
    expect(wide.startsWith('ISCC:K4')).toBe(true);
    expect(isccDecompose(wide).map((u) => decodeBase32(u).length)).toEqual([18, 18]);
  });

  it('refuses an ISCC-CODE without Data and Instance units', () => {
    expect(() => genIsccCode(['AAAYPXW445FTYNJ3', 'EAARMJLTQCUWAND2'])).toThrow(/Data-Code and an Instance-Code/);
  });
});

describe('JCS (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and formats numbers as ECMAScript does', () => {
    const value = { '\u20ac': 'Euro', '\r': 'CR', '\ud83d\ude00': 'smile', '1': 'one', '\u0080': 'ctl', 'ö': 1 };
    expect(jcsCanonicalize(value)).toBe('{"\\r":"CR","1":"one","\u0080":"ctl","ö":1,"\u20ac":"Euro","\ud83d\ude00":"smile"}');
    expect(jcsCanonicalize([1e21, 1e20, -0, 0.1, 1 / 3, 5e-7, 333333333.3333333])).toBe(
      '[1e+21,100000000000000000000,0,0.1,0.3333333333333333,5e-7,333333333.3333333]',
    );
    expect(jcsCanonicalize({ b: [true, null, 'a\u001fb"\\'], a: {} })).toBe('{"a":{},"b":[true,null,"a\\u001fb\\"\\\\"]}');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => jcsCanonicalize({ x: Number.NaN })).toThrow(/cannot be written/);
    expect(() => jcsCanonicalize({ x: '\ud800' })).toThrow(/surrogate/);
  });
});

describe('text normalisation', () => {
  it('splits lines as Python splitlines does', () => {
    expect(pySplitLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(pySplitLines('\n')).toEqual(['']);
    expect(pySplitLines('')).toEqual([]);
    expect(pySplitLines('a\u2028b\x85c')).toEqual(['a', 'b', 'c']);
  });

  it('cleans, collapses and trims like the reference', () => {
    expect(textClean('  a\u200b\n\n\n\n b \u0007\r\n')).toBe('a\n\n b');
    expect(textRemoveNewlines('a \n\t b\u3000c')).toBe('a b c');
    expect(textCollapse('Héllo, Wörld!')).toBe('helloworld');
    // 3 bytes each: a cut in the middle of a character drops it.
    expect(textTrim('☃☃☃', 7)).toBe('☃☃');
    expect(textTrim(' ab ', 10)).toBe('ab');
  });
});

describe('Meta-Code inputs', () => {
  it('parses base64 and percent-encoded data: URLs', () => {
    expect(Buffer.from(parseDataUrl('data:application/json;charset=utf-8;base64,eyJhIjoxfQ==').data).toString()).toBe('{"a":1}');
    expect(Buffer.from(parseDataUrl('data:,%7B%22a%22%3A1%7D').data).toString()).toBe('{"a":1}');
    expect(() => parseDataUrl('http://example.org/x')).toThrow(/data: URL/);
  });

  it('gives the same code for a meta object and its canonical data: URL', () => {
    const fromObject = genMetaCode('Title', '', { b: 1, a: 'x' });
    expect(fromObject.meta).toBe('data:application/json;base64,' + Buffer.from('{"a":"x","b":1}').toString('base64'));
    expect(genMetaCode('Title', '', fromObject.meta!)).toEqual(fromObject);
  });

  it('refuses a name that normalises to nothing', () => {
    expect(() => genMetaCode(' \u200b\n ')).toThrow(/name/);
  });
});
