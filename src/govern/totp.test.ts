import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, checkTotp, hotp, normaliseRecoveryCode, otpauthUri, recoveryCode, timeStep, totpAt } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890", 8-digit codes.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('totp', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 at T=%i', (seconds, code) => {
    expect(totpAt(RFC_SECRET, seconds * 1000, 8)).toBe(code);
  });

  it('matches RFC 4226 HOTP vectors (6 digits)', () => {
    expect([0, 1, 2, 9].map((c) => hotp(RFC_SECRET, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('round-trips base32 (RFC 4648 vector)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('M1')).toThrow();
  });

  it('accepts one step either side, not two', () => {
    const now = 1_700_000_000_000;
    const at = (offset: number) => totpAt(RFC_SECRET, now + offset * 30_000);
    expect(checkTotp(RFC_SECRET, at(-1), now, null)).toEqual({ ok: true, step: timeStep(now) - 1 });
    expect(checkTotp(RFC_SECRET, at(1), now, null)).toEqual({ ok: true, step: timeStep(now) + 1 });
    expect(checkTotp(RFC_SECRET, at(2), now, null)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkTotp(RFC_SECRET, at(-2), now, null)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkTotp(RFC_SECRET, 'abc123', now, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a code of the last accepted step or earlier as replayed', () => {
    const now = 1_700_000_000_000;
    const code = totpAt(RFC_SECRET, now);
    const first = checkTotp(RFC_SECRET, code, now, null);
    expect(first.ok).toBe(true);
    const step = first.ok ? first.step : 0;
    expect(checkTotp(RFC_SECRET, code, now + 5_000, step)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkTotp(RFC_SECRET, totpAt(RFC_SECRET, now - 30_000), now, step)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkTotp(RFC_SECRET, totpAt(RFC_SECRET, now + 30_000), now, step).ok).toBe(true);
  });

  it('builds the otpauth URI and recovery codes', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'Test Museum', 'ada')).toBe(
      'otpauth://totp/Test%20Museum:ada?secret=JBSWY3DPEHPK3PXP&issuer=Test+Museum&algorithm=SHA1&digits=6&period=30',
    );
    const code = recoveryCode(new Uint8Array(12).fill(0));
    expect(code).toBe('aaaa-aaaa-aaaa');
    expect(normaliseRecoveryCode(' AAAA-aaaa aaaa ')).toBe('aaaaaaaaaaaa');
  });
});
