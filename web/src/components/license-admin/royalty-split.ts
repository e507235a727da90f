// Royalty split arithmetic for the editor: people type percentages with two decimals; the server keeps
// integer basis points (1 % = 100) that must sum to exactly 10,000.

/** Basis points in a whole (100 %). */
export const WHOLE = 10_000;

/** Basis points of a percentage typed with at most two decimals (`33.33` → 3333), or null when it is not one. */
export function percentToBasisPoints(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= WHOLE ? bp : null;
}

/** A basis-point share as a percentage with two decimals (3333 → `33.33`). */
export function basisPointsToPercent(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(Math.abs(bp % 100)).padStart(2, '0')}`;
}

/** The sum of the rows' shares in basis points; rows that are not valid percentages count as 0 and are listed in `invalid`. */
export function splitTotal(percents: readonly string[]): { basisPoints: number; invalid: number[] } {
  let basisPoints = 0;
  const invalid: number[] = [];
  percents.forEach((text, i) => {
    const bp = percentToBasisPoints(text);
    if (bp === null || bp === 0) invalid.push(i);
    else basisPoints += bp;
  });
  return { basisPoints, invalid };
}

/** The period [from, to) of a month picker value (`2026-12` → 2026-12-01 … 2027-01-01), or null. */
export function monthPeriod(month: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) return null;
  const next = mon === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${m[1]}-${String(mon + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/** Integer minor units as a decimal amount with the currency's decimals (120000 CNY → `1200.00`). */
export function minorToDecimal(minor: number, decimals: number): string {
  if (decimals === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** decimals;
  return `${sign}${Math.trunc(abs / unit)}.${String(abs % unit).padStart(decimals, '0')}`;
}
