// Reads ODRL constraints and logical constraints, checking each operand, operator and value against the
// profile. Values are stored normalised (purpose tokens without prefix, canonical territory codes).
import { parseInstant } from './date-time.js';
import { isObject, listOf, plain } from './json-ld.js';
import type { IssueSink } from './policy.schema.js';
import {
  DUTY_ONLY_OPERANDS, LEFT_OPERANDS, LIST_OPERATORS, MEDIA, OPERATORS, OPERATORS_FOR, PURPOSES, normalizeTerritory, stripPrefix,
  type LeftOperand, type Operator,
} from './vocabulary.js';

export type AtomicConstraint = { leftOperand: LeftOperand; operator: Operator; rightOperand: string | number | string[]; unit?: string; uid?: string };
export type LogicalConstraint = { logic: 'and' | 'or' | 'xone' | 'andSequence'; constraints: Constraint[]; uid?: string };
export type Constraint = AtomicConstraint | LogicalConstraint;

const LOGICAL = ['and', 'or', 'xone', 'andSequence'] as const;

/** The constraints (or refinements) of a rule or duty; `inDuty` allows payAmount and percentage. */
export function parseConstraints(value: unknown, path: string, report: IssueSink, inDuty: boolean): Constraint[] {
  const out: Constraint[] = [];
  listOf(value).forEach((item, i) => {
    const parsed = parseConstraint(item, `${path}[${i}]`, report, inDuty);
    if (parsed) out.push(parsed);
  });
  return out;
}

function parseConstraint(item: unknown, path: string, report: IssueSink, inDuty: boolean): Constraint | null {
  if (!isObject(item)) {
    report(path, 'bad_constraint', 'a constraint must be an object');
    return null;
  }
  const uid = typeof item.uid === 'string' ? { uid: item.uid } : {};
  const logic = LOGICAL.find((op) => item[op] !== undefined);
  if (logic) {
    const members = listOf(item[logic]);
    if (members.length < 2) report(`${path}.${logic}`, 'bad_logical_constraint', `"${logic}" needs at least two constraints`);
    const constraints: Constraint[] = [];
    members.forEach((m, i) => {
      // ODRL writes members as references ({"@id": …}); this engine needs them inline to evaluate them.
      if (isObject(m) && m['@id'] !== undefined && m.leftOperand === undefined && !LOGICAL.some((op) => m[op] !== undefined)) {
        report(`${path}.${logic}[${i}]`, 'unresolved_reference', 'write the constraint inline; references by @id are not resolved', { ref: String(m['@id']) });
        return;
      }
      const parsed = parseConstraint(m, `${path}.${logic}[${i}]`, report, inDuty);
      if (parsed) constraints.push(parsed);
    });
    return { logic, constraints, ...uid };
  }
  const left = typeof plain(item.leftOperand) === 'string' ? stripPrefix(plain(item.leftOperand) as string) : '';
  const op = typeof plain(item.operator) === 'string' ? stripPrefix(plain(item.operator) as string) : '';
  if (!(LEFT_OPERANDS as readonly string[]).includes(left)) {
    report(`${path}.leftOperand`, 'unknown_left_operand', `unknown left operand "${left}"; the profile knows ${LEFT_OPERANDS.join(', ')}`, { leftOperand: left });
    return null;
  }
  const leftOperand = left as LeftOperand;
  if (!(OPERATORS as readonly string[]).includes(op)) {
    report(`${path}.operator`, 'unknown_operator', `unknown operator "${op}"`, { operator: op });
    return null;
  }
  const operator = op as Operator;
  if (!inDuty && DUTY_ONLY_OPERANDS.includes(leftOperand)) {
    report(`${path}.leftOperand`, 'misplaced_operand', `"${leftOperand}" refines a compensate duty, not a rule`, { leftOperand });
    return null;
  }
  if (!OPERATORS_FOR[leftOperand].includes(operator)) {
    report(`${path}.operator`, 'operator_not_applicable', `"${operator}" cannot compare "${leftOperand}"`, { leftOperand, operator });
    return null;
  }
  const rightOperand = parseRightOperand(leftOperand, operator, item.rightOperand, `${path}.rightOperand`, report);
  if (rightOperand === null) return null;
  const unit = typeof plain(item.unit) === 'string' ? { unit: plain(item.unit) as string } : {};
  return { leftOperand, operator, rightOperand, ...unit, ...uid };
}

function parseRightOperand(left: LeftOperand, operator: Operator, raw: unknown, path: string, report: IssueSink): string | number | string[] | null {
  const values = listOf(raw).map(plain);
  const bad = (value: unknown, why: string): null => {
    report(path, 'bad_right_operand', `${why} (${left} ${operator} ${JSON.stringify(value)})`, { leftOperand: left, value: String(value) });
    return null;
  };
  if (values.length === 0) return bad(raw, 'a right operand is required');
  const isList = LIST_OPERATORS.includes(operator);
  if (!isList && values.length > 1) return bad(raw, `"${operator}" compares one value, not a list`);
  if (left === 'count') {
    const n = typeof values[0] === 'string' ? Number(values[0]) : values[0];
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : bad(values[0], 'a count is a non-negative integer');
  }
  if (left === 'payAmount' || left === 'percentage') {
    const v = values[0];
    return typeof v === 'string' || typeof v === 'number' ? (typeof v === 'number' ? v : v.trim()) : bad(v, 'an amount is a decimal');
  }
  if (left === 'dateTime') {
    const v = values[0];
    return typeof v === 'string' && parseInstant(v) ? v : bad(v, 'a dateTime is an ISO date (2025-12-31) or date-time (2025-12-31T23:59:59Z)');
  }
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string') return bad(v, 'the value must be a string');
    if (left === 'spatial') {
      const code = normalizeTerritory(v);
      if (!code) {
        report(path, 'bad_territory', `"${v}" is not an ISO 3166-1 alpha-2 code or a region code like CN-44`, { value: v });
        return null;
      }
      out.push(code);
      continue;
    }
    const token = stripPrefix(v);
    const allowed: readonly string[] = left === 'purpose' ? PURPOSES : MEDIA;
    if (!allowed.includes(token)) return bad(v, `"${v}" is not one of ${allowed.join(', ')}`);
    out.push(token);
  }
  return isList ? out : out[0]!;
}
