import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('is 26 lower-case Crockford characters and sorts by time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(a < b).toBe(true);
  });

  it('counts upwards within one millisecond, so id order is creation order', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
