// Evaluates parsed constraints against one requested use.
//
// Where ODRL 2.2 leaves the meaning open, the profile chooses:
// - purpose is a set (a use can be commercial and advertising at once), closed under isA (advertising ⇒
//   commercial) and completed with non-commercial when nothing commercial is in it. eq / isA / hasPart X
//   hold when X is in the set, neq when it is not, isAnyOf / isNoneOf / isAllOf compare the set with the
//   list, isPartOf holds when every purpose the request names is in the list (implied ones do not count).
// - spatial: a territory satisfies eq / isA / isPartOf X when it is X or lies within X (CN-44 within CN).
// - dateTime: the request's instant (a date means its first instant, UTC) against the right operand; a
//   date right operand is a whole day, so `lteq 2025-12-31` includes that day and `lt` excludes it.
// - A value the request does not give (no territory, media or count) cannot satisfy a permission's
//   constraint, but is assumed to meet a prohibition's: unknown facts never grant and never excuse.
import type { AtomicConstraint, Constraint } from './constraint-parse.js';
import { parseInstant } from './date-time.js';
import { territoryWithin } from './vocabulary.js';

export type UseContext = {
  purposes: ReadonlySet<string>; // normalised (closure + non-commercial)
  namedPurposes: ReadonlySet<string>; // as the request named them
  territory: string | null;
  media: string | null;
  instant: number | null;
  count: number | null;
};

export type ConstraintResult = { ok: true } | { ok: false; failed: AtomicConstraint; missing: boolean };
const OK: ConstraintResult = { ok: true };

/** Whether every constraint holds for the use (`unknownHolds`: how a value the request lacks counts). */
export function constraintsHold(constraints: readonly Constraint[], ctx: UseContext, unknownHolds: boolean): ConstraintResult {
  for (const c of constraints) {
    const result = constraintHolds(c, ctx, unknownHolds);
    if (!result.ok) return result;
  }
  return OK;
}

function constraintHolds(c: Constraint, ctx: UseContext, unknownHolds: boolean): ConstraintResult {
  if ('logic' in c) {
    // andSequence orders the fulfilment of its members in time; for one decision at one instant it holds
    // exactly when all members hold, like and.
    if (c.logic === 'and' || c.logic === 'andSequence') return constraintsHold(c.constraints, ctx, unknownHolds);
    let held = 0;
    let firstFailure: ConstraintResult | null = null;
    for (const member of c.constraints) {
      const r = constraintHolds(member, ctx, unknownHolds);
      if (r.ok) held += 1;
      else firstFailure ??= r;
    }
    if (c.logic === 'or' ? held > 0 : held === 1) return OK;
    if (firstFailure) return firstFailure;
    // xone with two or more members holding: report the first member as the one that broke it.
    return { ok: false, failed: firstAtomic(c.constraints), missing: false };
  }
  const value = atomicHolds(c, ctx);
  if (value === null) return unknownHolds ? OK : { ok: false, failed: c, missing: true };
  return value ? OK : { ok: false, failed: c, missing: false };
}

function firstAtomic(constraints: readonly Constraint[]): AtomicConstraint {
  for (const c of constraints) {
    if ('leftOperand' in c) return c;
    const nested = firstAtomic(c.constraints);
    if (nested) return nested;
  }
  return { leftOperand: 'purpose', operator: 'eq', rightOperand: '' };
}

// null when the request lacks the value the constraint needs.
function atomicHolds(c: AtomicConstraint, ctx: UseContext): boolean | null {
  const list = Array.isArray(c.rightOperand) ? c.rightOperand : [String(c.rightOperand)];
  switch (c.leftOperand) {
    case 'purpose': {
      const s = ctx.purposes;
      switch (c.operator) {
        case 'eq': case 'isA': case 'hasPart': return s.has(list[0]!);
        case 'neq': return !s.has(list[0]!);
        case 'isAnyOf': return list.some((v) => s.has(v));
        case 'isNoneOf': return !list.some((v) => s.has(v));
        case 'isAllOf': return list.every((v) => s.has(v));
        case 'isPartOf': return [...ctx.namedPurposes].every((v) => list.includes(v));
        default: return false;
      }
    }
    case 'spatial': {
      const t = ctx.territory;
      if (t === null) return null;
      const within = list.some((v) => territoryWithin(t, v));
      return c.operator === 'neq' || c.operator === 'isNoneOf' ? !within : within;
    }
    case 'media': {
      const m = ctx.media;
      if (m === null) return null;
      const hit = list.includes(m);
      return c.operator === 'neq' || c.operator === 'isNoneOf' ? !hit : hit;
    }
    case 'dateTime': {
      const t = ctx.instant;
      const span = parseInstant(String(c.rightOperand));
      if (t === null || span === null) return null;
      return compare(c.operator, t, span.start, span.end);
    }
    case 'count': {
      const n = ctx.count;
      if (n === null) return null;
      return compare(c.operator, n, Number(c.rightOperand), Number(c.rightOperand) + 1);
    }
    default:
      return false; // payAmount / percentage never reach here: parsing keeps them to duties
  }
}

// `value` against the span [start, end) a right operand covers (a day for dates, [n, n+1) for counts).
function compare(operator: string, value: number, start: number, end: number): boolean {
  switch (operator) {
    case 'eq': return value >= start && value < end;
    case 'neq': return value < start || value >= end;
    case 'lt': return value < start;
    case 'lteq': return value < end;
    case 'gt': return value >= end;
    case 'gteq': return value >= start;
    default: return false;
  }
}
