/**
 * Money as integer minor units per currency (fen for CNY, yen for JPY): sums of integers are exact,
 * so a ledger built on them balances to the unit. Decimal major-unit text enters here and leaves
 * here; nothing between ever holds a fraction of a minor unit.
 */

/**
 * ISO 4217 minor units of the currencies the ledger books. A currency missing here is refused
 * rather than guessed: a wrong exponent would misstate every amount a hundredfold.
 */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  CNY: 2, HKD: 2, MOP: 2, TWD: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0, SGD: 2,
  AUD: 2, CAD: 2, NZD: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, HUF: 2,
  THB: 2, MYR: 2, IDR: 2, PHP: 2, VND: 0, INR: 2, PKR: 2, LKR: 2, NPR: 2, BDT: 2,
  MNT: 2, KZT: 2, UZS: 2, RUB: 2, TRY: 2, ILS: 2, AED: 2, SAR: 2, QAR: 2, EGP: 2,
  KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3, IQD: 3, LYD: 3, BRL: 2, MXN: 2, ARS: 2,
  CLP: 0, COP: 2, PEN: 2, ZAR: 2, NGN: 2, KES: 2, ISK: 0, UGX: 0, PYG: 0, XAF: 0, XOF: 0,
});

/** The ledger's currency when a record names none. */
export const DEFAULT_CURRENCY = 'CNY';

export type MoneyErrorCode = 'unknown_currency' | 'negative_amount' | 'fractional_minor' | 'bad_amount' | 'too_large';

/** A refused amount or currency: a code from the list above and the values a message needs. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

// Plain decimals only: grouping commas, exponents and signs other than a leading minus are not money.
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
// Far above any safe integer, short enough that BigInt never works on an attacker's megabyte.
const MAX_DIGITS = 40;

/** The number of decimals of a currency's minor unit; throws MoneyError('unknown_currency') when it is not in the table. */
export function minorUnits(currency: string): number {
  const units = Object.hasOwn(CURRENCY_MINOR_UNITS, currency) ? CURRENCY_MINOR_UNITS[currency] : undefined;
  if (units === undefined) {
    throw new MoneyError('unknown_currency', `"${currency}" is not a currency the ledger knows; use an ISO 4217 code such as CNY`, { currency });
  }
  return units;
}

/** Whether a currency code is in the table. */
export function isKnownCurrency(currency: string): boolean {
  return Object.hasOwn(CURRENCY_MINOR_UNITS, currency);
}

/** Integer minor units from a decimal string/number in major units ("120.5" CNY -> 12050); throws MoneyError on negatives, NaN, too many decimals, unknown currency, > Number.MAX_SAFE_INTEGER. */
export function toMinor(amount: string | number, currency: string): number {
  const units = minorUnits(currency);
  const text = typeof amount === 'number' ? numberText(amount) : amount.trim();
  const match = text.length <= MAX_DIGITS ? DECIMAL.exec(text) : null;
  if (!match) {
    if (text.length > MAX_DIGITS && DECIMAL.test(text)) throw tooLarge(String(amount), currency);
    throw new MoneyError('bad_amount', `"${String(amount)}" is not an amount; write a plain decimal such as 120.50`, { amount: String(amount) });
  }
  const [, minus, whole = '0', fraction = ''] = match;
  // Trailing zeros state no precision the currency lacks ("120.500" CNY is exactly 12050 fen).
  const decimals = fraction.replace(/0+$/, '');
  if (decimals.length > units) {
    throw new MoneyError('fractional_minor', `${String(amount)} ${currency} has more than ${units} decimal places; ${currency} has no smaller unit`, { amount: String(amount), currency, decimals: units });
  }
  const minor = BigInt(whole + decimals.padEnd(units, '0'));
  if (minus && minor !== 0n) {
    throw new MoneyError('negative_amount', `${String(amount)} ${currency} is negative; amounts are zero or more`, { amount: String(amount), currency });
  }
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw tooLarge(String(amount), currency);
  return Number(minor);
}

/** "1,234.50"-free plain decimal string of minor units (12050 CNY -> "120.50", -5 -> "-0.05", JPY 300 -> "300"); for CSV and JSON. */
export function formatMinor(minor: number, currency: string): string {
  const units = minorUnits(currency);
  assertMinor(minor);
  const digits = String(Math.abs(minor));
  const sign = minor < 0 ? '-' : '';
  if (units === 0) return `${sign}${digits}`;
  const padded = digits.padStart(units + 1, '0');
  return `${sign}${padded.slice(0, -units)}.${padded.slice(-units)}`;
}

/** Throws MoneyError unless the value is a safe integer (any sign): fractional_minor for fractions, too_large beyond 2^53, bad_amount for NaN and infinities. */
export function assertMinor(minor: number): void {
  if (!Number.isFinite(minor)) throw new MoneyError('bad_amount', `${String(minor)} is not an amount in minor units`, { amount: String(minor) });
  if (!Number.isInteger(minor)) throw new MoneyError('fractional_minor', `${minor} is not a whole number of minor units`, { amount: minor });
  if (!Number.isSafeInteger(minor)) throw new MoneyError('too_large', `${minor} minor units is beyond the exact range of ${Number.MAX_SAFE_INTEGER}`, { amount: String(minor), max: Number.MAX_SAFE_INTEGER });
}

/** Throws MoneyError unless the value is a safe integer >= 0 (>= 1 with `positive`). */
export function assertNonNegativeMinor(minor: number, options: { positive?: boolean } = {}): void {
  assertMinor(minor);
  if (minor < 0) throw new MoneyError('negative_amount', `${minor} minor units is negative; amounts are zero or more`, { amount: minor });
  if (options.positive && minor === 0) throw new MoneyError('bad_amount', 'the amount is zero; it must be at least one minor unit', { amount: 0 });
}

function tooLarge(amount: string, currency: string): MoneyError {
  return new MoneyError('too_large', `${amount} ${currency} is beyond the largest amount the ledger holds exactly (${Number.MAX_SAFE_INTEGER} minor units)`, { amount, currency, max: Number.MAX_SAFE_INTEGER });
}

// String(n) writes large and tiny numbers with an exponent; those are spelled out (or refused) here
// so that the one decimal parser sees every input.
function numberText(amount: number): string {
  if (Number.isNaN(amount) || !Number.isFinite(amount)) return String(amount);
  if (Object.is(amount, -0)) return '0';
  const text = String(amount);
  if (!/e/i.test(text)) return text;
  if (Number.isInteger(amount)) return BigInt(amount).toString();
  // A non-integer written with an exponent is below 1e-6: finer than any currency's minor unit.
  return Math.abs(amount).toFixed(20).replace(/0+$/, '').replace(/^/, amount < 0 ? '-' : '');
}
