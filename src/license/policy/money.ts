// Exact decimal ↔ integer minor units. Money never passes through floating point: JSON-LD amounts are
// parsed as decimal strings and checked against the currency's ISO 4217 minor unit.
import { CURRENCY_DECIMALS } from './vocabulary.js';

/** Integer minor units of a decimal amount, or an error code (`bad_amount`, `unknown_currency`). */
export function toMinorUnits(value: string | number, currency: string): { ok: true; minor: number } | { ok: false; code: 'bad_amount' | 'unknown_currency' } {
  const decimals = CURRENCY_DECIMALS[currency];
  if (decimals === undefined) return { ok: false, code: 'unknown_currency' };
  const parsed = parseDecimal(value, decimals);
  return parsed === null ? { ok: false, code: 'bad_amount' } : { ok: true, minor: parsed };
}

/** Basis points (500 = 5 %) of a percentage written with at most two decimals, or null when outside 0–100. */
export function toBasisPoints(value: string | number): number | null {
  const parsed = parseDecimal(value, 2);
  return parsed === null || parsed > 10_000 ? null : parsed;
}

/** The decimal string of integer minor units (`12000`, CNY → `"120.00"`). */
export function formatMinorUnits(minor: number, currency: string): string {
  const decimals = CURRENCY_DECIMALS[currency] ?? 2;
  if (decimals === 0) return String(minor);
  const digits = String(minor).padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

// A non-negative decimal with at most `decimals` fraction digits, scaled to an integer; null otherwise.
function parseDecimal(value: string | number, decimals: number): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return null;
  const scaled = Number(match[1]!) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(scaled) ? scaled : null;
}
