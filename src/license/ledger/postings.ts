/**
 * Double-entry postings. Every transaction is a set of postings in one currency whose amounts sum
 * to zero (+ debit, - credit), so the books balance by construction and any error shows as a
 * non-zero sum instead of silently moved money.
 *
 * Accounts: `asset:bank` holds what was received, `liability:payable:<partyId>` what is owed to a
 * party (a credit raises it), `income:platform` the platform's fee when an instance takes one.
 */
import { assertMinor, assertNonNegativeMinor, minorUnits } from './money.js';

export type Posting = { account: string; partyId: string | null; minor: number /* + debit, - credit */; currency: string };

export const BANK_ACCOUNT = 'asset:bank';
export const PLATFORM_INCOME_ACCOUNT = 'income:platform';
export const PAYABLE_PREFIX = 'liability:payable:';

export type LedgerErrorCode = 'unbalanced' | 'bad_posting' | 'shares_mismatch' | 'bad_period' | 'too_large';

/** A set of postings or a statement the ledger refuses, with the values a message needs. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/** The account of what is owed to a party. */
export function payableAccount(partyId: string): string {
  if (partyId.trim() === '') throw new LedgerError('bad_posting', 'a payable account needs a party id', {});
  return `${PAYABLE_PREFIX}${partyId}`;
}

/** The postings of a confirmed payment: debit the bank by the amount, credit each party's payable by its share (and `income:platform` by `platformFee` if given). Shares of zero get no posting. Balanced by construction; throws LedgerError('shares_mismatch') when shares and fee do not add up to the amount. */
export function paymentPostings(input: { amount: number; currency: string; shares: readonly { partyId: string; minor: number }[]; platformFee?: number }): Posting[] {
  const { amount, currency, shares, platformFee = 0 } = input;
  minorUnits(currency);
  assertNonNegativeMinor(amount, { positive: true });
  assertNonNegativeMinor(platformFee);
  let sum = platformFee;
  for (const share of shares) {
    assertNonNegativeMinor(share.minor);
    sum += share.minor;
  }
  if (sum !== amount) {
    throw new LedgerError('shares_mismatch', `the shares add up to ${sum} minor units but the payment is ${amount}; divide it with splitPayment`, { sum, amount });
  }
  const postings: Posting[] = [{ account: BANK_ACCOUNT, partyId: null, minor: amount, currency }];
  for (const share of shares) {
    if (share.minor > 0) postings.push({ account: payableAccount(share.partyId), partyId: share.partyId, minor: -share.minor, currency });
  }
  if (platformFee > 0) postings.push({ account: PLATFORM_INCOME_ACCOUNT, partyId: null, minor: -platformFee, currency });
  return postings;
}

/** The postings of a settlement (paying a party what it is owed): debit its payable, credit the bank. */
export function settlementPostings(input: { partyId: string; amount: number; currency: string }): Posting[] {
  const { partyId, amount, currency } = input;
  minorUnits(currency);
  assertNonNegativeMinor(amount, { positive: true });
  return [
    { account: payableAccount(partyId), partyId, minor: amount, currency },
    { account: BANK_ACCOUNT, partyId: null, minor: -amount, currency },
  ];
}

/** The postings of an adjustment that moves an amount owed from one party to another (a corrected split): debit the first's payable, credit the second's. */
export function transferPostings(input: { fromPartyId: string; toPartyId: string; amount: number; currency: string }): Posting[] {
  const { fromPartyId, toPartyId, amount, currency } = input;
  minorUnits(currency);
  assertNonNegativeMinor(amount, { positive: true });
  if (fromPartyId === toPartyId) throw new LedgerError('bad_posting', `a transfer needs two different parties, not "${fromPartyId}" twice`, { partyId: fromPartyId });
  return [
    { account: payableAccount(fromPartyId), partyId: fromPartyId, minor: amount, currency },
    { account: payableAccount(toPartyId), partyId: toPartyId, minor: -amount, currency },
  ];
}

/** Throws unless every currency's postings sum to zero and every amount is a safe integer != 0. */
export function assertBalanced(postings: readonly Posting[]): void {
  // BigInt sums: many safe integers can add up past 2^53, where a float sum could hide an imbalance.
  const sums = new Map<string, bigint>();
  postings.forEach((posting, index) => {
    minorUnits(posting.currency);
    try {
      assertMinor(posting.minor);
    } catch {
      throw new LedgerError('bad_posting', `posting ${index + 1} (${posting.account}): ${String(posting.minor)} is not a whole number of minor units`, { index, account: posting.account });
    }
    if (posting.minor === 0) throw new LedgerError('bad_posting', `posting ${index + 1} (${posting.account}) is zero; leave it out`, { index, account: posting.account });
    if (posting.account.trim() === '') throw new LedgerError('bad_posting', `posting ${index + 1} names no account`, { index });
    // A statement reads a party's postings by party id; a payable booked under another id would vanish from it.
    if (posting.account.startsWith(PAYABLE_PREFIX) && posting.account !== `${PAYABLE_PREFIX}${posting.partyId ?? ''}`) {
      throw new LedgerError('bad_posting', `posting ${index + 1}: account ${posting.account} belongs to another party than "${posting.partyId ?? ''}"`, { index, account: posting.account });
    }
    sums.set(posting.currency, (sums.get(posting.currency) ?? 0n) + BigInt(posting.minor));
  });
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new LedgerError('unbalanced', `the ${currency} postings add up to ${sum} minor units, not zero`, { currency, sum: sum.toString() });
  }
}
