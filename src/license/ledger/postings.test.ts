import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoneyError } from './money.js';
import { BANK_ACCOUNT, LedgerError, assertBalanced, paymentPostings, settlementPostings, transferPostings, type Posting } from './postings.js';
import { splitPayment, type SplitShare } from './split.js';

function ledgerError(fn: () => unknown): LedgerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError');
}

describe('paymentPostings', () => {
  it('debits the bank and credits each party payable by its share', () => {
    const postings = paymentPostings({ amount: 10_000, currency: 'CNY', shares: [{ partyId: 'artist', minor: 6000 }, { partyId: 'museum', minor: 4000 }] });
    expect(postings).toEqual([
      { account: 'asset:bank', partyId: null, minor: 10_000, currency: 'CNY' },
      { account: 'liability:payable:artist', partyId: 'artist', minor: -6000, currency: 'CNY' },
      { account: 'liability:payable:museum', partyId: 'museum', minor: -4000, currency: 'CNY' },
    ]);
    assertBalanced(postings);
  });

  it('books a platform fee to income and leaves zero shares out', () => {
    const postings = paymentPostings({ amount: 1, currency: 'CNY', shares: [{ partyId: 'a', minor: 0 }, { partyId: 'b', minor: 1 }], platformFee: 0 });
    expect(postings.map((p) => p.account)).toEqual(['asset:bank', 'liability:payable:b']);
    const withFee = paymentPostings({ amount: 1000, currency: 'JPY', shares: [{ partyId: 'a', minor: 900 }], platformFee: 100 });
    expect(withFee.at(-1)).toEqual({ account: 'income:platform', partyId: null, minor: -100, currency: 'JPY' });
    assertBalanced(withFee);
  });

  it('refuses shares that do not add up, zero or negative payments and unknown currencies', () => {
    expect(ledgerError(() => paymentPostings({ amount: 100, currency: 'CNY', shares: [{ partyId: 'a', minor: 99 }] }))).toMatchObject({ code: 'shares_mismatch', params: { sum: 99, amount: 100 } });
    expect(() => paymentPostings({ amount: 0, currency: 'CNY', shares: [] })).toThrow(MoneyError);
    expect(() => paymentPostings({ amount: -5, currency: 'CNY', shares: [{ partyId: 'a', minor: -5 }] })).toThrow(MoneyError);
    expect(() => paymentPostings({ amount: 5, currency: 'ZZZ', shares: [{ partyId: 'a', minor: 5 }] })).toThrow(MoneyError);
    expect(() => paymentPostings({ amount: 5, currency: 'CNY', shares: [{ partyId: 'a', minor: 6 }, { partyId: 'b', minor: -1 }] })).toThrow(MoneyError);
  });
});

describe('settlementPostings and transferPostings', () => {
  it('pays a party out of its payable', () => {
    const postings = settlementPostings({ partyId: 'artist', amount: 7230, currency: 'CNY' });
    expect(postings).toEqual([
      { account: 'liability:payable:artist', partyId: 'artist', minor: 7230, currency: 'CNY' },
      { account: BANK_ACCOUNT, partyId: null, minor: -7230, currency: 'CNY' },
    ]);
    assertBalanced(postings);
    expect(() => settlementPostings({ partyId: 'artist', amount: 0, currency: 'CNY' })).toThrow(MoneyError);
    expect(() => settlementPostings({ partyId: '', amount: 1, currency: 'CNY' })).toThrow(LedgerError);
  });

  it('moves an amount owed from one party to another', () => {
    const postings = transferPostings({ fromPartyId: 'a', toPartyId: 'b', amount: 50, currency: 'CNY' });
    expect(postings.map((p) => [p.account, p.minor])).toEqual([['liability:payable:a', 50], ['liability:payable:b', -50]]);
    assertBalanced(postings);
    expect(ledgerError(() => transferPostings({ fromPartyId: 'a', toPartyId: 'a', amount: 50, currency: 'CNY' })).code).toBe('bad_posting');
  });
});

describe('assertBalanced', () => {
  const bank = (minor: number, currency = 'CNY'): Posting => ({ account: BANK_ACCOUNT, partyId: null, minor, currency });
  const payable = (partyId: string, minor: number, currency = 'CNY'): Posting => ({ account: `liability:payable:${partyId}`, partyId, minor, currency });

  it('accepts balanced postings in several currencies and no postings at all', () => {
    assertBalanced([]);
    assertBalanced([bank(100), payable('a', -100), bank(5, 'JPY'), payable('a', -5, 'JPY')]);
  });

  it('refuses postings that do not sum to zero per currency', () => {
    expect(ledgerError(() => assertBalanced([bank(100), payable('a', -99)]))).toMatchObject({ code: 'unbalanced', params: { currency: 'CNY', sum: '1' } });
    // Balanced overall but not per currency.
    expect(ledgerError(() => assertBalanced([bank(100), payable('a', -100, 'JPY')])).code).toBe('unbalanced');
  });

  it('sees an imbalance that a float sum past 2^53 would hide', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(ledgerError(() => assertBalanced([bank(max), bank(max), payable('a', -max), payable('b', -max + 1)])).code).toBe('unbalanced');
  });

  it('refuses zero, fractional and unsafe amounts, a payable booked under another party, and unknown currencies', () => {
    expect(ledgerError(() => assertBalanced([bank(0)])).code).toBe('bad_posting');
    expect(ledgerError(() => assertBalanced([bank(0.5), payable('a', -0.5)])).code).toBe('bad_posting');
    expect(ledgerError(() => assertBalanced([bank(2 ** 60), payable('a', -(2 ** 60))])).code).toBe('bad_posting');
    expect(ledgerError(() => assertBalanced([bank(1), { ...payable('a', -1), partyId: 'b' }])).code).toBe('bad_posting');
    expect(ledgerError(() => assertBalanced([{ ...bank(1), account: ' ' }, payable('a', -1)])).code).toBe('bad_posting');
    expect(() => assertBalanced([bank(1, 'XYZ'), payable('a', -1, 'XYZ')])).toThrow(MoneyError);
  });

  it('for random splits and amounts, the payment and its settlements always balance', () => {
    const splitArb = fc.uniqueArray(fc.integer({ min: 1, max: 9_999 }), { maxLength: 19 }).map((cuts): SplitShare[] => {
      const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
      return points.slice(1).map((p, i) => ({ partyId: `p${i}`, basisPoints: p - points[i]! }));
    });
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e12 }), splitArb, fc.integer({ min: 0, max: 1_000 }), (amount, split, feeBp) => {
      const fee = Math.floor((amount * feeBp) / 10_000);
      const shares = splitPayment(amount - fee, split);
      const payment = paymentPostings({ amount, currency: 'CNY', shares, platformFee: fee });
      assertBalanced(payment);
      const settlements = shares.filter((s) => s.minor > 0).flatMap((s) => settlementPostings({ partyId: s.partyId, amount: s.minor, currency: 'CNY' }));
      assertBalanced([...payment, ...settlements]);
      // After every party is paid, only the fee remains in the bank.
      expect([...payment, ...settlements].filter((p) => p.account === BANK_ACCOUNT).reduce((s, p) => s + p.minor, 0)).toBe(fee);
    }), { numRuns: 300 });
  });
});
