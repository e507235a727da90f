import { describe, expect, it } from 'vitest';
import { MAX_SERIAL, payloadToSerial, serialToPayload } from './watermark-copies.js';

describe('copy serials as watermark payloads', () => {
  it('round-trips every size of serial through 6 big-endian bytes', () => {
    for (const serial of [1, 255, 256, 65_537, 2 ** 32 + 5, MAX_SERIAL]) {
      const payload = serialToPayload(serial);
      expect(payload.length).toBe(6);
      expect(payloadToSerial(payload)).toBe(serial);
    }
    expect(Buffer.from(serialToPayload(0x0102_0304_0506)).toString('hex')).toBe('010203040506');
  });

  it('refuses serials a 48-bit payload cannot carry and payloads of the wrong size', () => {
    expect(() => serialToPayload(0)).toThrow(RangeError);
    expect(() => serialToPayload(MAX_SERIAL + 1)).toThrow(RangeError);
    expect(() => serialToPayload(1.5)).toThrow(RangeError);
    expect(() => payloadToSerial(new Uint8Array(5))).toThrow(RangeError);
  });
});
