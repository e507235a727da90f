// The heritage element's rules form and its ODRL Set: "commercial use pays N % to <party>", "these
// purposes are forbidden", "attribute the community". Inherited permissions never grant on their own
// (the engine attaches their duties to uses another policy permits), so the Set only adds duties and
// prohibitions to every work that uses the element. `conflict: prohibit` makes a forbidden purpose win.
import { JSON_LD_CONTEXT, PURPOSES } from '../../../../src/license/policy/vocabulary';
import { actionOf, isJson, listOf, partyIdOf, PARTY_URN, simpleConstraint, type Json } from './odrl-read';

export interface HeritageRulesDraft {
  /** Percentage of commercial use owed to `sharePartyId` ('' for none), up to two decimals. */
  sharePercent: string;
  sharePartyId: string;
  /** Purposes no work using the element may be used for (parody, advertising, …). */
  forbiddenPurposes: string[];
  /** Party to attribute ('' for no attribution duty). */
  attributePartyId: string;
}

export type HeritageIssue = { field: 'share' | 'party'; code: 'badPercent' | 'partyRequired' };

/** Purposes the form lets a custodian forbid. */
export const FORBIDDABLE_PURPOSES = PURPOSES.filter((p) => p !== 'non-commercial');

/** Nothing asked, nothing forbidden. */
export function emptyHeritageRules(): HeritageRulesDraft {
  return { sharePercent: '', sharePartyId: '', forbiddenPurposes: [], attributePartyId: '' };
}

/** True for a percentage above 0 and at most 100 with at most two decimals. */
export function isValidPercent(text: string): boolean {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return false;
  const value = Number(text.trim());
  return value > 0 && value <= 100;
}

/** The form's problems (empty when it can be sent). */
export function validateHeritageRules(draft: HeritageRulesDraft): HeritageIssue[] {
  const issues: HeritageIssue[] = [];
  if (draft.sharePercent.trim() && !isValidPercent(draft.sharePercent)) issues.push({ field: 'share', code: 'badPercent' });
  if (draft.sharePercent.trim() && !draft.sharePartyId) issues.push({ field: 'party', code: 'partyRequired' });
  return issues;
}

/** The ODRL Set for the rules, or null when the form asks nothing (the element then has no rules). */
export function heritageRulesToOdrl(draft: HeritageRulesDraft): Json | null {
  const policy: Json = { '@context': JSON_LD_CONTEXT, '@type': 'Set', conflict: 'prohibit' };
  if (draft.sharePercent.trim() && draft.sharePartyId) {
    policy.permission = [
      {
        action: 'use',
        constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }],
        duty: [{ action: 'compensate', compensatedParty: PARTY_URN + draft.sharePartyId, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: Number(draft.sharePercent.trim()) }] }],
      },
    ];
  }
  const forbidden = FORBIDDABLE_PURPOSES.filter((p) => draft.forbiddenPurposes.includes(p));
  if (forbidden.length > 0) {
    policy.prohibition = [
      { action: 'use', constraint: [forbidden.length === 1 ? { leftOperand: 'purpose', operator: 'eq', rightOperand: forbidden[0] } : { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: forbidden }] },
    ];
  }
  if (draft.attributePartyId) policy.obligation = [{ action: 'attribute', attributedParty: PARTY_URN + draft.attributePartyId }];
  return policy.permission || policy.prohibition || policy.obligation ? policy : null;
}

/** The form state of stored rules, or null when they say more than the form can show. */
export function heritageRulesFromOdrl(odrl: Record<string, unknown> | null): HeritageRulesDraft | null {
  const draft = emptyHeritageRules();
  if (!odrl) return draft;
  for (const rule of listOf(odrl.permission)) {
    if (!isJson(rule) || actionOf(rule).action !== 'use') return null;
    const constraints = listOf(rule.constraint).map(simpleConstraint);
    if (constraints.length !== 1 || constraints[0]?.leftOperand !== 'purpose' || constraints[0].operator !== 'eq' || constraints[0].values[0] !== 'commercial') return null;
    const duties = listOf(rule.duty);
    if (duties.length !== 1 || !isJson(duties[0])) return null;
    const duty = duties[0];
    const { action, refinement } = actionOf(duty);
    const share = [...refinement, ...listOf(duty.refinement)].map(simpleConstraint).find((c) => c?.leftOperand === 'percentage');
    const party = partyIdOf(duty.compensatedParty);
    if (action !== 'compensate' || !share || !party || draft.sharePercent) return null;
    draft.sharePercent = String(Number(share.values[0]));
    draft.sharePartyId = party;
  }
  for (const rule of listOf(odrl.prohibition)) {
    if (!isJson(rule) || actionOf(rule).action !== 'use') return null;
    for (const raw of listOf(rule.constraint)) {
      const c = simpleConstraint(raw);
      if (!c || c.leftOperand !== 'purpose' || (c.operator !== 'eq' && c.operator !== 'isAnyOf')) return null;
      for (const v of c.values) if (!draft.forbiddenPurposes.includes(v)) draft.forbiddenPurposes.push(v);
    }
  }
  for (const duty of listOf(odrl.obligation)) {
    if (!isJson(duty) || actionOf(duty).action !== 'attribute') return null;
    const party = partyIdOf(duty.attributedParty);
    if (!party) return null;
    draft.attributePartyId = party;
  }
  return draft;
}
