/**
 * Royalty splits and the division of a payment among them. Shares are basis points (1/100 of a
 * percent) summing to exactly 10,000; money is divided by the largest-remainder method, so the
 * parts always add up to the payment: no minor unit is lost to rounding or invented by it.
 */
import { assertMinor, assertNonNegativeMinor } from './money.js';

export type SplitShare = { partyId: string; basisPoints: number; role?: string };
export type CarveOut = { partyId: string; basisPoints: number; role?: string };
export type SplitLine = { partyId: string; minor: number; role?: string };

export const TOTAL_BASIS_POINTS = 10_000;
/** More parties than this is a data error, not a royalty agreement (and keeps a split's JSON small). */
export const MAX_SPLIT_PARTIES = 100;

export type SplitIssueCode =
  | 'empty' | 'too_many_parties' | 'missing_party' | 'duplicate_party'
  | 'basis_points_not_integer' | 'basis_points_out_of_range' | 'sum_not_total' | 'carve_outs_exceed_total';

/** One problem with a split: where (a path like zod's), a code, an English message, and the values a translation needs. */
export type SplitIssue = { path: (string | number)[]; code: SplitIssueCode; message: string; params: Record<string, string | number> };

/** A split or its carve-outs refused by splitPayment, with every issue found. */
export class SplitError extends Error {
  override readonly name = 'SplitError';
  readonly code = 'invalid_split';
  constructor(readonly issues: SplitIssue[]) {
    super(`the royalty split is invalid: ${issues.map((i) => i.message).join('; ')}`);
  }
}

/** Checks a royalty split: >= 1 share, integer basis points 1..10000 each, distinct parties, sum exactly 10,000; returns issues (path, code, message, params) or []. */
export function checkSplit(shares: readonly SplitShare[]): SplitIssue[] {
  if (shares.length === 0) return [{ path: [], code: 'empty', message: 'a split needs at least one party', params: {} }];
  const issues = checkShares(shares, [], 1);
  const sum = shares.reduce((total, s) => total + (Number.isFinite(s.basisPoints) ? s.basisPoints : 0), 0);
  // A sum is only meaningful when every share is a valid number of basis points; a duplicate party does not change it.
  if (!issues.some(isPointsIssue) && sum !== TOTAL_BASIS_POINTS) {
    issues.push({
      path: [], code: 'sum_not_total', params: { sum, total: TOTAL_BASIS_POINTS },
      message: `the shares add up to ${sum} basis points (${sum / 100} %); they must add up to exactly ${TOTAL_BASIS_POINTS} (100 %)`,
    });
  }
  return issues;
}

/** Checks carve-outs (shares of the whole payment taken before the split): integer basis points 1..10000 each, distinct parties, together at most 10,000; returns issues with paths under "carveOuts". */
export function checkCarveOuts(carveOuts: readonly CarveOut[]): SplitIssue[] {
  const issues = checkShares(carveOuts, ['carveOuts'], 1);
  const sum = carveOuts.reduce((total, s) => total + (Number.isFinite(s.basisPoints) ? s.basisPoints : 0), 0);
  if (!issues.some(isPointsIssue) && sum > TOTAL_BASIS_POINTS) {
    issues.push({
      path: ['carveOuts'], code: 'carve_outs_exceed_total', params: { sum, total: TOTAL_BASIS_POINTS },
      message: `the carve-outs take ${sum} basis points of the payment; together they can take at most ${TOTAL_BASIS_POINTS} (100 %)`,
    });
  }
  return issues;
}

const isPointsIssue = (issue: SplitIssue): boolean => issue.code === 'basis_points_not_integer' || issue.code === 'basis_points_out_of_range';

function checkShares(shares: readonly { partyId: string; basisPoints: number }[], base: (string | number)[], min: number): SplitIssue[] {
  const issues: SplitIssue[] = [];
  if (shares.length > MAX_SPLIT_PARTIES) {
    issues.push({ path: base, code: 'too_many_parties', params: { count: shares.length, max: MAX_SPLIT_PARTIES }, message: `${shares.length} parties is more than the ${MAX_SPLIT_PARTIES} a split may name` });
  }
  const seen = new Map<string, number>();
  shares.forEach((share, index) => {
    const partyId = typeof share.partyId === 'string' ? share.partyId.trim() : '';
    if (partyId === '') {
      issues.push({ path: [...base, index, 'partyId'], code: 'missing_party', params: { index }, message: `share ${index + 1} names no party` });
    } else if (seen.has(partyId)) {
      issues.push({
        path: [...base, index, 'partyId'], code: 'duplicate_party', params: { index, partyId, first: seen.get(partyId) ?? 0 },
        message: `party "${partyId}" appears twice (shares ${(seen.get(partyId) ?? 0) + 1} and ${index + 1}); give it one share`,
      });
    } else {
      seen.set(partyId, index);
    }
    const bp = share.basisPoints;
    if (typeof bp !== 'number' || !Number.isInteger(bp)) {
      issues.push({ path: [...base, index, 'basisPoints'], code: 'basis_points_not_integer', params: { index, value: String(bp) }, message: `share ${index + 1}: ${String(bp)} is not a whole number of basis points (1 % = 100)` });
    } else if (bp < min || bp > TOTAL_BASIS_POINTS) {
      issues.push({ path: [...base, index, 'basisPoints'], code: 'basis_points_out_of_range', params: { index, value: bp, min, max: TOTAL_BASIS_POINTS }, message: `share ${index + 1}: ${bp} basis points is outside ${min}..${TOTAL_BASIS_POINTS}` });
    }
  });
  return issues;
}

/** Largest-remainder division of an integer amount by weights (basis points or any non-negative integers): the parts sum exactly to amount; ties broken by position (stable, deterministic). A negative amount is divided as its mirror image (-allocate(-a)). */
export function allocate(amount: number, weights: readonly number[]): number[] {
  assertMinor(amount);
  if (amount < 0) return allocate(-amount, weights).map((part) => (part === 0 ? 0 : -part));
  let total = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`allocate: weight ${String(w)} is not a non-negative safe integer`);
    total += w;
  }
  if (!Number.isSafeInteger(total)) throw new RangeError('allocate: the weights add up to more than 2^53');
  if (total === 0) {
    if (amount === 0) return weights.map(() => 0);
    throw new RangeError(`allocate: cannot divide ${amount} when every weight is zero`);
  }
  // Dividing out the weights' common factor changes no share and often keeps the arithmetic in plain numbers.
  const g = weights.reduce((acc, w) => gcd(acc, w), 0);
  const reduced = g > 1 ? weights.map((w) => w / g) : weights;
  const t = total / g;
  const max = reduced.reduce((m, w) => Math.max(m, w), 0);
  // remainder × weight < total × max weight: with that and the amount within 2^52 (headroom for a
  // quotient the float division rounds up) the number path is exact; beyond it BigInt is.
  return amount <= EXACT_LIMIT && t * max <= EXACT_LIMIT ? allocateNumbers(amount, reduced, t) : allocateBig(amount, reduced, t);
}

const EXACT_LIMIT = 2 ** 52;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function allocateNumbers(amount: number, weights: readonly number[], total: number): number[] {
  // amount = q·total + r with r < total, so each exact share is q·w + r·w/total and r·w stays exact.
  const [q, r] = divmod(amount, total);
  const parts = new Array<number>(weights.length);
  const remainders = new Array<number>(weights.length);
  let given = 0;
  weights.forEach((w, i) => {
    const [floor, remainder] = divmod(r * w, total);
    parts[i] = q * w + floor;
    remainders[i] = remainder;
    given += parts[i]!;
  });
  distribute(parts, remainders, amount - given);
  return parts;
}

// Floor division of safe non-negative integers; the float quotient can round across an integer
// near 2^53, so the remainder puts it right.
function divmod(n: number, d: number): [number, number] {
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (r < 0) { q -= 1; r += d; } else if (r >= d) { q += 1; r -= d; }
  return [q, r];
}

function allocateBig(amount: number, weights: readonly number[], total: number): number[] {
  const a = BigInt(amount);
  const t = BigInt(total);
  const parts = new Array<number>(weights.length);
  const remainders = new Array<bigint>(weights.length);
  let given = 0;
  weights.forEach((w, i) => {
    const scaled = a * BigInt(w);
    parts[i] = Number(scaled / t);
    remainders[i] = scaled % t;
    given += parts[i]!;
  });
  distribute(parts, remainders, amount - given);
  return parts;
}

// The units the floors left over (fewer than the number of parts) go one each to the largest
// remainders; equal remainders go to the earlier position, so the result never depends on sort stability.
function distribute<T extends number | bigint>(parts: number[], remainders: T[], leftover: number): void {
  if (leftover === 0) return;
  const order = remainders.map((_, i) => i);
  order.sort((x, y) => {
    const a = remainders[x]!;
    const b = remainders[y]!;
    return a === b ? x - y : a > b ? -1 : 1;
  });
  for (let k = 0; k < leftover; k += 1) parts[order[k]!]! += 1;
}

/** A payment divided among a work's split after carve-outs (e.g. 5 % to a heritage fund taken first from the whole payment, the rest by the split). Returns one line per party (merged if a party appears twice), summing exactly to amount. Throws MoneyError for a bad amount, SplitError for a bad split or carve-outs. */
export function splitPayment(amount: number, split: readonly SplitShare[], carveOuts: readonly CarveOut[] = []): SplitLine[] {
  assertNonNegativeMinor(amount);
  const issues = [...checkSplit(split), ...checkCarveOuts(carveOuts)];
  if (issues.length > 0) throw new SplitError(issues);
  const rest = TOTAL_BASIS_POINTS - carveOuts.reduce((sum, c) => sum + c.basisPoints, 0);
  // Each party's exact share of the whole, in units of 1/10,000 of a basis point: its carve-out
  // plus its split share of what the carve-outs leave. One allocation over these merged weights keeps
  // every line (a party in both lists too) within one minor unit of its exact share.
  const lines = new Map<string, SplitLine>();
  const weights = new Map<string, number>();
  const add = (share: { partyId: string; role?: string }, weight: number): void => {
    const partyId = share.partyId.trim();
    if (!lines.has(partyId)) lines.set(partyId, share.role === undefined ? { partyId, minor: 0 } : { partyId, minor: 0, role: share.role });
    weights.set(partyId, (weights.get(partyId) ?? 0) + weight);
  };
  for (const c of carveOuts) add(c, c.basisPoints * TOTAL_BASIS_POINTS);
  for (const s of split) add(s, s.basisPoints * rest);
  const parts = allocate(amount, [...weights.values()]);
  return [...lines.values()].map((line, i) => ({ ...line, minor: parts[i]! }));
}
