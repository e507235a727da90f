import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units (§3.2.3 example)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    [0, '0'], [-0, '0'], [1e21, '1e+21'], [1e20, '100000000000000000000'], [5e-324, '5e-324'], [-1.7976931348623157e308, '-1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'], [0.000001, '0.000001'], [1e-7, '1e-7'], [295147905179352830000, '295147905179352830000'], [1.5e-9, '1.5e-9'],
  ])('number %s → %s (appendix B)', (value, expected) => expect(canonicalJson(value)).toBe(expected));

  it('escapes controls with lowercase hex and leaves other characters as they are', () => {
    expect(canonicalJson('\u0000\u001f\b\t\n\f\r"\\/é文')).toBe('"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/é文"');
  });

  it('sorts nested objects and keeps array order; drops undefined members', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: { y: true, x: 'v' }, u: undefined })).toBe('{"a":{"x":"v","y":true},"b":[3,{"a":null,"z":1}]}');
  });

  it('rejects what JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Infinity)).toThrow(TypeError);
    expect(() => canonicalJson('\ud800')).toThrow(/surrogate/);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});
