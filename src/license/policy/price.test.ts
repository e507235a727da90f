import { describe, expect, it } from 'vitest';
import type { Decision } from './evaluate.js';
import { formatMinorUnits, toBasisPoints, toMinorUnits } from './money.js';
import type { Duty } from './policy.schema.js';
import { MixedCurrencyError, priceOf, shareDuties } from './price.js';

const duty = (d: Partial<Duty>): Duty => ({ action: 'compensate', fromPolicy: 'urn:p', rule: `r${Math.random()}`, ...d });
const decision = (duties: Duty[]): Decision => ({ outcome: duties.length ? 'permit-with-duties' : 'permit', duties, rule: null, reason: { code: 'permitted', params: {} }, trace: [] });

describe('money', () => {
  it.each([
    ['120.00', 'CNY', 12000], ['120', 'CNY', 12000], ['0.01', 'USD', 1], ['12.340', 'EUR', 1234], ['1000', 'JPY', 1000], ['50000', 'KRW', 50000], ['99.5', 'TWD', 9950], [19.99, 'GBP', 1999], ['0.1', 'HKD', 10],
  ])('%s %s → %i minor units', (value, currency, minor) => expect(toMinorUnits(value, currency)).toEqual({ ok: true, minor }));

  it.each([['12.345', 'CNY'], ['1.5', 'JPY'], ['-1', 'USD'], ['1e3', 'USD'], ['', 'USD'], ['abc', 'EUR']])('rejects %s %s', (value, currency) =>
    expect(toMinorUnits(value, currency)).toEqual({ ok: false, code: 'bad_amount' }));

  it('rejects unknown currencies', () => expect(toMinorUnits('1', 'XYZ')).toEqual({ ok: false, code: 'unknown_currency' }));
  it('adds exactly where floating point would not (0.1 + 0.2)', () => expect(toMinorUnits('0.1', 'USD').ok && toMinorUnits('0.2', 'USD').ok).toBe(true));
  it('formats minor units', () => {
    expect(formatMinorUnits(12000, 'CNY')).toBe('120.00');
    expect(formatMinorUnits(5, 'USD')).toBe('0.05');
    expect(formatMinorUnits(1000, 'JPY')).toBe('1000');
  });
  it('reads percentages as basis points', () => {
    expect(toBasisPoints(5)).toBe(500);
    expect(toBasisPoints('3.5')).toBe(350);
    expect(toBasisPoints('100')).toBe(10000);
    expect(toBasisPoints('100.01')).toBeNull();
    expect(toBasisPoints('0.125')).toBeNull();
  });
});

describe('priceOf / shareDuties', () => {
  it('is null when nothing is to be paid', () => expect(priceOf(decision([duty({ action: 'attribute' }), duty({ percentage: 500, party: { uid: 'urn:fund' } })]))).toBeNull());

  it('sums the amounts of one currency', () => {
    expect(priceOf(decision([duty({ amount: { minor: 12000, currency: 'CNY' } }), duty({ amount: { minor: 1, currency: 'CNY' } })]))).toEqual({ minor: 12001, currency: 'CNY' });
  });

  it('refuses to add currencies', () => {
    expect(() => priceOf(decision([duty({ amount: { minor: 1, currency: 'CNY' } }), duty({ amount: { minor: 1, currency: 'USD' } })]))).toThrow(MixedCurrencyError);
  });

  it('lists percentage shares, adding those owed to the same party', () => {
    const fund = { uid: 'urn:fund' };
    const other = { uid: 'urn:other' };
    expect(shareDuties(decision([duty({ percentage: 500, party: fund }), duty({ amount: { minor: 1, currency: 'CNY' } }), duty({ percentage: 350, party: other }), duty({ percentage: 250, party: fund })]))).toEqual([
      { party: fund, basisPoints: 750 },
      { party: other, basisPoints: 350 },
    ]);
  });
});
