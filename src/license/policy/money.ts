// Money in policies: amounts and percentages as integers, through the ledger's one decimal parser and
// currency table (a policy cannot price in a currency the ledger could not book).
import { formatMinor, isKnownCurrency, toMinor } from '../ledger/money.js';

/** Integer minor units of a decimal amount, or an error code (`bad_amount`, `unknown_currency`). */
export function toMinorUnits(value: string | number, currency: string): { ok: true; minor: number } | { ok: false; code: 'bad_amount' | 'unknown_currency' } {
  if (!isKnownCurrency(currency)) return { ok: false, code: 'unknown_currency' };
  try {
    return { ok: true, minor: toMinor(value, currency) };
  } catch {
    return { ok: false, code: 'bad_amount' };
  }
}

/** Basis points (500 = 5 %) of a percentage written with at most two decimals, or null when outside 0–100. */
export function toBasisPoints(value: string | number): number | null {
  // A percentage has two decimals, as a currency with a minor unit of 2 does: the same exact parser.
  const parsed = toMinorUnits(value, 'CNY');
  return !parsed.ok || parsed.minor > 10_000 ? null : parsed.minor;
}

/** The decimal string of integer minor units (`12000`, CNY → `"120.00"`). */
export function formatMinorUnits(minor: number, currency: string): string {
  return formatMinor(minor, currency);
}
