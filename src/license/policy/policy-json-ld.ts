// Writes a Policy back as ODRL 2.2 JSON-LD (compact), the form the platform exports and hashes; the output
// parses back to the same Policy.
import type { Constraint } from './constraint-parse.js';
import { formatMinorUnits } from './money.js';
import type { Duty, Party, Permission, Policy, Prohibition } from './policy.schema.js';
import { DUTY_PARTY_PROPERTY, JSON_LD_CONTEXT } from './vocabulary.js';

type Json = Record<string, unknown>;

/** The JSON-LD of a policy, as exported (round-trips through parsePolicy). */
export function policyToJsonLd(policy: Policy): Json {
  const out: Json = { '@context': JSON_LD_CONTEXT, '@type': policy.type, uid: policy.uid };
  if (policy.profile) out.profile = policy.profile;
  if (policy.conflict) out.conflict = policy.conflict;
  if (policy.assigner) out.assigner = party(policy.assigner);
  if (policy.assignee) out.assignee = party(policy.assignee);
  if (policy.target) out.target = policy.target;
  if (policy.inheritFrom && policy.inheritFrom.length > 0) out.inheritFrom = [...policy.inheritFrom];
  if (policy.permission.length > 0) out.permission = policy.permission.map((p) => ({ ...rule(p), ...(p.duty.length > 0 ? { duty: p.duty.map(duty) } : {}) }));
  if (policy.prohibition.length > 0) out.prohibition = policy.prohibition.map((p) => ({ ...rule(p), ...(p.remedy.length > 0 ? { remedy: p.remedy.map(duty) } : {}) }));
  if (policy.obligation.length > 0) out.obligation = policy.obligation.map(duty);
  return out;
}

const party = (p: Party): Json => ({ '@type': 'Party', uid: p.uid, ...(p.name ? { name: p.name } : {}) });

function rule(r: Permission | Prohibition): Json {
  return {
    ...(r.uid ? { uid: r.uid } : {}),
    action: r.action,
    ...(r.target ? { target: r.target } : {}),
    ...(r.assigner ? { assigner: party(r.assigner) } : {}),
    ...(r.assignee ? { assignee: party(r.assignee) } : {}),
    ...(r.constraint.length > 0 ? { constraint: r.constraint.map(constraint) } : {}),
  };
}

function constraint(c: Constraint): Json {
  if ('logic' in c) return { ...(c.uid ? { uid: c.uid } : {}), [c.logic]: c.constraints.map(constraint) };
  return {
    ...(c.uid ? { uid: c.uid } : {}),
    leftOperand: c.leftOperand,
    operator: c.operator,
    rightOperand: c.leftOperand === 'dateTime' ? { '@value': c.rightOperand, '@type': 'xsd:dateTime' } : c.rightOperand,
    ...(c.unit ? { unit: c.unit } : {}),
  };
}

function duty(d: Duty): Json {
  const refinement: Json[] = [];
  if (d.amount) {
    refinement.push({
      leftOperand: 'payAmount',
      operator: 'eq',
      rightOperand: { '@value': formatMinorUnits(d.amount.minor, d.amount.currency), '@type': 'xsd:decimal' },
      unit: `http://cvx.iptc.org/iso4217a/${d.amount.currency}`,
    });
  }
  if (d.percentage !== undefined) refinement.push({ leftOperand: 'percentage', operator: 'eq', rightOperand: { '@value': formatMinorUnits(d.percentage, 'EUR'), '@type': 'xsd:decimal' } });
  return {
    ...(d.uid ? { uid: d.uid } : {}),
    action: refinement.length > 0 ? [{ 'rdf:value': { '@id': `odrl:${d.action}` }, refinement }] : d.action,
    ...(d.party && DUTY_PARTY_PROPERTY[d.action] ? { [DUTY_PARTY_PROPERTY[d.action]!]: party(d.party) } : {}),
    ...(d.text ? { 'wy:text': d.text } : {}),
    ...(d.constraint ? { constraint: d.constraint.map(constraint) } : {}),
  };
}
