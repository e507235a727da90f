import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_MINOR_UNITS, MoneyError, formatMinor, toMinor } from './money.js';

function moneyError(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError');
}

describe('CURRENCY_MINOR_UNITS', () => {
  it('knows at least 20 ISO 4217 currencies with their minor units', () => {
    expect(Object.keys(CURRENCY_MINOR_UNITS).length).toBeGreaterThanOrEqual(20);
    expect(CURRENCY_MINOR_UNITS).toMatchObject({ CNY: 2, HKD: 2, TWD: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0, KWD: 3 });
    for (const [code, units] of Object.entries(CURRENCY_MINOR_UNITS)) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3]).toContain(units);
    }
  });
});

describe('toMinor', () => {
  it('reads decimal strings and numbers in major units', () => {
    expect(toMinor('120.5', 'CNY')).toBe(12050);
    expect(toMinor('120.50', 'CNY')).toBe(12050);
    expect(toMinor(' 0.01 ', 'CNY')).toBe(1);
    expect(toMinor(120.5, 'CNY')).toBe(12050);
    expect(toMinor(0.3, 'CNY')).toBe(30);
    expect(toMinor('0', 'CNY')).toBe(0);
    expect(toMinor(-0, 'CNY')).toBe(0);
    expect(toMinor('-0.00', 'CNY')).toBe(0);
    expect(toMinor('007', 'USD')).toBe(700);
    expect(toMinor('3000', 'JPY')).toBe(3000);
    expect(toMinor(3000, 'JPY')).toBe(3000);
    expect(toMinor('1.234', 'KWD')).toBe(1234);
    expect(toMinor(1e15, 'JPY')).toBe(1e15);
  });

  it('accepts trailing zeros beyond the minor unit, which state no finer amount', () => {
    expect(toMinor('120.500', 'CNY')).toBe(12050);
    expect(toMinor('5.00', 'JPY')).toBe(5);
  });

  it('accepts the largest safe amount and refuses one more', () => {
    expect(toMinor('90071992547409.91', 'CNY')).toBe(Number.MAX_SAFE_INTEGER);
    expect(moneyError(() => toMinor('90071992547409.92', 'CNY')).code).toBe('too_large');
  });

  it('throws unknown_currency for codes not in the table (no guessing, no case folding)', () => {
    const error = moneyError(() => toMinor('1', 'XYZ'));
    expect(error.code).toBe('unknown_currency');
    expect(error.params).toEqual({ currency: 'XYZ' });
    expect(moneyError(() => toMinor('1', 'cny')).code).toBe('unknown_currency');
    expect(moneyError(() => toMinor('1', 'toString')).code).toBe('unknown_currency');
  });

  it('throws negative_amount for negatives', () => {
    expect(moneyError(() => toMinor('-1', 'CNY')).code).toBe('negative_amount');
    expect(moneyError(() => toMinor(-0.01, 'CNY')).code).toBe('negative_amount');
  });

  it('throws fractional_minor for more decimals than the currency has', () => {
    const error = moneyError(() => toMinor('1.005', 'CNY'));
    expect(error.code).toBe('fractional_minor');
    expect(error.params).toMatchObject({ currency: 'CNY', decimals: 2 });
    expect(moneyError(() => toMinor('0.5', 'JPY')).code).toBe('fractional_minor');
    expect(moneyError(() => toMinor(0.1 + 0.2, 'CNY')).code).toBe('fractional_minor');
    expect(moneyError(() => toMinor(1e-7, 'CNY')).code).toBe('fractional_minor');
  });

  it('throws bad_amount for text that is not a plain decimal', () => {
    for (const bad of ['', 'abc', '1,234.50', '1e3', '+5', '.5', '5.', '¥5', '1 000', 'NaN']) {
      expect(moneyError(() => toMinor(bad, 'CNY')).code, bad).toBe('bad_amount');
    }
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(moneyError(() => toMinor(bad, 'CNY')).code).toBe('bad_amount');
    }
  });

  it('throws too_large beyond Number.MAX_SAFE_INTEGER minor units, also for huge text', () => {
    expect(moneyError(() => toMinor(1e21, 'CNY')).code).toBe('too_large');
    expect(moneyError(() => toMinor('9'.repeat(1000), 'CNY')).code).toBe('too_large');
    expect(moneyError(() => toMinor(Number.MAX_SAFE_INTEGER + 1, 'JPY')).code).toBe('too_large');
  });
});

describe('formatMinor', () => {
  it('writes plain decimal strings without grouping', () => {
    expect(formatMinor(12050, 'CNY')).toBe('120.50');
    expect(formatMinor(123456789, 'CNY')).toBe('1234567.89');
    expect(formatMinor(1, 'CNY')).toBe('0.01');
    expect(formatMinor(0, 'CNY')).toBe('0.00');
    expect(formatMinor(-5, 'CNY')).toBe('-0.05');
    expect(formatMinor(300, 'JPY')).toBe('300');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
  });

  it('refuses fractions, unsafe integers and unknown currencies', () => {
    expect(moneyError(() => formatMinor(1.5, 'CNY')).code).toBe('fractional_minor');
    expect(moneyError(() => formatMinor(2 ** 60, 'CNY')).code).toBe('too_large');
    expect(moneyError(() => formatMinor(1, 'XXX1')).code).toBe('unknown_currency');
  });

  it('round-trips with toMinor for every currency and any safe amount', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(CURRENCY_MINOR_UNITS)), fc.maxSafeNat(), (currency, minor) => {
      expect(toMinor(formatMinor(minor, currency), currency)).toBe(minor);
    }));
  });
});
