// Reads ODRL duties (permission duties, obligations, remedies). A compensate duty carries its amount as a
// payAmount refinement (decimal + ISO 4217 unit) or a percentage owed to a compensatedParty.
import { parseConstraints, type AtomicConstraint, type Constraint } from './constraint-parse.js';
import { toBasisPoints, toMinorUnits } from './money.js';
import { asArray, iriOf, isObject, parseParty } from './json-ld.js';
import type { Duty, IssueSink } from './policy.schema.js';
import { DUTY_ACTIONS, DUTY_PARTY_PROPERTY, currencyOf, stripPrefix, type DutyAction } from './vocabulary.js';

const isAtomic = (c: Constraint): c is AtomicConstraint => 'leftOperand' in c;

/** One duty, checked; null (with issues reported) when it cannot be used. */
export function parseDuty(value: unknown, path: string, policyUid: string, report: IssueSink): Duty | null {
  if (!isObject(value)) {
    report(path, 'bad_duty', 'a duty must be an object');
    return null;
  }
  const first = asArray(value.action)[0];
  const refined = isObject(first) && first['rdf:value'] !== undefined;
  const iri = refined ? iriOf(first['rdf:value']) : iriOf(first);
  const action = iri === null ? '' : stripPrefix(iri);
  if (!(DUTY_ACTIONS as readonly string[]).includes(action)) {
    report(`${path}.action`, 'unknown_duty_action', `unknown duty action "${action}"; the profile knows ${DUTY_ACTIONS.join(', ')}`, { action });
    return null;
  }
  const dutyAction = action as DutyAction;
  // A consequence is a further duty owed only once this one is breached; deciding a use cannot honour it,
  // so it is refused rather than silently dropped.
  if (value.consequence !== undefined) report(`${path}.consequence`, 'unsupported_property', '"consequence" is not supported by this profile; state the duty directly', { property: 'consequence' });
  const all = [
    ...parseConstraints(value.constraint, `${path}.constraint`, report, true),
    ...parseConstraints(value.refinement, `${path}.refinement`, report, true),
    ...(refined && isObject(first) ? parseConstraints(first.refinement, `${path}.action.refinement`, report, true) : []),
  ];
  const payments = all.filter((c): c is AtomicConstraint => isAtomic(c) && (c.leftOperand === 'payAmount' || c.leftOperand === 'percentage'));
  const constraint = all.filter((c) => !payments.includes(c as AtomicConstraint));
  if (payments.length > 0 && dutyAction !== 'compensate') {
    report(path, 'misplaced_operand', `"${payments[0]!.leftOperand}" only refines a compensate duty`, { leftOperand: payments[0]!.leftOperand });
    return null;
  }
  // Without a compensatedParty, payment goes to the duty's assigner (W3C ODRL model, Example 20).
  const partyProperty = DUTY_PARTY_PROPERTY[dutyAction];
  const partyValue = partyProperty ? (value[partyProperty] ?? (dutyAction === 'compensate' ? value.assigner : undefined)) : undefined;
  const party = parseParty(partyValue, `${path}.${partyProperty ?? 'party'}`, report);
  const duty: Duty = {
    action: dutyAction,
    fromPolicy: policyUid,
    rule: typeof value.uid === 'string' ? value.uid : path,
    ...(typeof value.uid === 'string' ? { uid: value.uid } : {}),
    ...(party ? { party } : {}),
    ...(typeof value['wy:text'] === 'string' ? { text: value['wy:text'] } : {}),
    ...(constraint.length > 0 ? { constraint } : {}),
  };
  for (const p of payments) {
    if (p.leftOperand === 'payAmount') {
      const currency = p.unit === undefined ? null : currencyOf(p.unit);
      if (!currency) {
        report(path, 'unknown_currency', `the unit "${p.unit ?? ''}" is not a supported ISO 4217 currency`, { unit: p.unit ?? '' });
        continue;
      }
      const minor = toMinorUnits(p.rightOperand as string | number, currency);
      if (!minor.ok) report(path, 'bad_amount', `${String(p.rightOperand)} is not a non-negative ${currency} amount with at most its minor-unit decimals`, { value: String(p.rightOperand), currency });
      else duty.amount = { minor: minor.minor, currency };
    } else {
      const basisPoints = toBasisPoints(p.rightOperand as string | number);
      if (basisPoints === null) report(path, 'bad_percentage', `${String(p.rightOperand)} is not a percentage between 0 and 100 with at most two decimals`, { value: String(p.rightOperand) });
      else duty.percentage = basisPoints;
    }
  }
  if (dutyAction === 'compensate' && payments.length === 0)
    report(path, 'compensation_without_amount', 'a compensate duty needs a payAmount (with a unit) or a percentage');
  if (duty.percentage !== undefined && !duty.party)
    report(path, 'missing_compensated_party', 'a percentage is owed to someone: add "compensatedParty"');
  return duty;
}
