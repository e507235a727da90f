import { describe, expect, it } from 'vitest';
import { inheritedMask, maskOf, requiredMask, USE_BITS } from './reuse-flags.js';

describe('reuse flags', () => {
  it('encode flags and filters as bits', () => {
    expect(maskOf({ freeToReuse: true, licensable: false, aiTraining: true })).toBe(USE_BITS.free | USE_BITS.ai);
    expect(requiredMask(['licensable', 'ai', 'ai'])).toBe(USE_BITS.licensable | USE_BITS.ai);
    expect(requiredMask(undefined)).toBe(0);
  });

  it("let a collection's licence replace the rights URI's, and its offers add licensable", () => {
    const cc0 = USE_BITS.free | USE_BITS.ai;
    expect(inheritedMask(cc0, -1, 0)).toBe(cc0);
    expect(inheritedMask(cc0, USE_BITS.free, 0)).toBe(USE_BITS.free);
    expect(inheritedMask(0, -1, USE_BITS.licensable)).toBe(USE_BITS.licensable);
    // A rights URI never makes a work licensable on its own.
    expect(inheritedMask(cc0 | USE_BITS.licensable, -1, 0)).toBe(cc0);
  });
});
