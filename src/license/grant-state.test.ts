import { describe, expect, it } from 'vitest';
import { grantState } from './order.service.js';

describe('grantState', () => {
  const grant = { status: 'active', valid_from: '2027-01-01', valid_until: '2027-12-31' };
  it('is not yet valid before its first day, valid through its last day, expired after', () => {
    expect(grantState(grant, new Date('2026-12-31T23:59:59Z'))).toBe('not-yet-valid');
    expect(grantState(grant, new Date('2027-01-01T00:00:00Z'))).toBe('valid');
    expect(grantState(grant, new Date('2027-12-31T23:59:59Z'))).toBe('valid');
    expect(grantState(grant, new Date('2028-01-01T00:00:00Z'))).toBe('expired');
  });
  it('has no end when no last day was agreed', () => {
    expect(grantState({ ...grant, valid_until: null }, new Date('2099-01-01T00:00:00Z'))).toBe('valid');
  });
  it('is revoked whatever its dates say', () => {
    expect(grantState({ ...grant, status: 'revoked' }, new Date('2027-06-01T00:00:00Z'))).toBe('revoked');
    expect(grantState({ ...grant, status: 'revoked' }, new Date('2030-06-01T00:00:00Z'))).toBe('revoked');
  });
});
