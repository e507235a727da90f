// Parses ODRL 2.2 JSON-LD (compact form, as users and the UI write it) into a checked Policy. Every
// problem is reported with its JSON path, so one bad rule does not hide the next one.
import { parseConstraints, type Constraint } from './constraint-parse.js';
import { parseDuty } from './duty-parse.js';
import { findContradictions } from './contradictions.js';
import { asArray, iriOf, isObject, parseParty } from './json-ld.js';
import { ACTIONS, PROFILE_IRI, actionIncludes, stripPrefix, type Action, type DutyAction } from './vocabulary.js';

export { ACTIONS, DUTY_ACTIONS, LEFT_OPERANDS, MEDIA, OPERATORS, PURPOSES } from './vocabulary.js';
export type { Constraint, AtomicConstraint, LogicalConstraint } from './constraint-parse.js';

export type Party = { uid: string; name?: string };
export type ConflictStrategy = 'perm' | 'prohibit' | 'invalid';
export type PolicyType = 'Set' | 'Offer' | 'Agreement';

/** A duty as written in a policy and, resolved, as a decision reports it (`fromPolicy`, `rule` say where). */
export type Duty = {
  action: DutyAction;
  amount?: { minor: number; currency: string };
  percentage?: number; // basis points, 500 = 5 %
  party?: Party;
  text?: string; // free text (attribution line; for shareAlike the licence IRI adaptations must keep)
  fromPolicy: string;
  rule: string; // the duty's uid, or its path in the policy (`permission[0].duty[1]`)
  uid?: string;
  constraint?: Constraint[]; // when present the duty is owed only for uses that satisfy it
};

export type Permission = { uid?: string; action: Action; target?: string; assigner?: Party; assignee?: Party; constraint: Constraint[]; duty: Duty[] };
export type Prohibition = { uid?: string; action: Action; target?: string; assigner?: Party; assignee?: Party; constraint: Constraint[]; remedy: Duty[] };

export type Policy = {
  uid: string;
  type: PolicyType;
  profile?: string;
  conflict?: ConflictStrategy; // absent = ODRL's default, `invalid`
  assigner?: Party;
  assignee?: Party;
  target?: string;
  inheritFrom?: string[];
  permission: Permission[];
  prohibition: Prohibition[];
  obligation: Duty[];
};

export type PolicyIssue = { path: string; code: string; message: string; params: Record<string, string | number> };

/** Collects issues while a policy is read. */
export type IssueSink = (path: string, code: string, message: string, params?: Record<string, string | number>) => void;

/** Parses ODRL JSON-LD (compact, as users and the UI write it) into a checked Policy, or lists every issue. */
export function parsePolicy(json: unknown): { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const report: IssueSink = (path, code, message, params = {}) => issues.push({ path, code, message, params });
  if (!isObject(json)) {
    report('', 'not_an_object', 'a policy must be a JSON object');
    return { ok: false, issues };
  }
  const uid = iriOf(json.uid) ?? iriOf(json['@id']);
  if (!uid) report('uid', 'missing_uid', 'a policy needs a "uid" (an IRI that identifies it)');
  const policyUid = uid ?? '';
  const type = parseType(json['@type'] ?? json.type, report);
  const profile = parseProfile(json.profile, report);
  const conflict = parseConflict(json.conflict, report);
  const assigner = parseParty(json.assigner, 'assigner', report);
  const assignee = parseParty(json.assignee, 'assignee', report);
  const target = json.target === undefined ? undefined : (iriOf(json.target) ?? undefined);
  if (json.target !== undefined && target === undefined) report('target', 'bad_target', 'the policy "target" must be an IRI');
  const inheritFrom = json.inheritFrom === undefined ? undefined : asArray(json.inheritFrom).map((v) => iriOf(v));
  if (inheritFrom?.some((v) => v === null)) report('inheritFrom', 'bad_inherit_from', '"inheritFrom" must list policy IRIs');

  const permission = asArray(json.permission).map((rule, i) => {
    const path = `permission[${i}]`;
    const base = parseRule(rule, path, report);
    const duty = isObject(rule) ? asArray(rule.duty).map((d, j) => parseDuty(d, `${path}.duty[${j}]`, policyUid, report)) : [];
    return { ...base, duty: duty.filter((d): d is Duty => d !== null) };
  });
  const prohibition = asArray(json.prohibition).map((rule, i) => {
    const path = `prohibition[${i}]`;
    const base = parseRule(rule, path, report);
    const remedy = isObject(rule) ? asArray(rule.remedy).map((d, j) => parseDuty(d, `${path}.remedy[${j}]`, policyUid, report)) : [];
    return { ...base, remedy: remedy.filter((d): d is Duty => d !== null) };
  });
  const obligation = asArray(json.obligation)
    .map((d, i) => parseDuty(d, `obligation[${i}]`, policyUid, report))
    .filter((d): d is Duty => d !== null);

  if (permission.length + prohibition.length + obligation.length === 0)
    report('', 'empty_policy', 'a policy needs at least one permission, prohibition or obligation');
  if (type === 'Offer' && !assigner && (permission.length === 0 || permission.some((p) => !p.assigner)))
    report('assigner', 'offer_without_assigner', 'an Offer must name its "assigner" (who offers the licence)');
  if (type === 'Agreement' && !assignee && (permission.length === 0 || permission.some((p) => !p.assignee)))
    report('assignee', 'agreement_without_assignee', 'an Agreement must name its "assignee" (who was granted the licence)');

  const policy: Policy = {
    uid: policyUid,
    type: type ?? 'Set',
    ...(profile ? { profile } : {}),
    ...(conflict ? { conflict } : {}),
    ...(assigner ? { assigner } : {}),
    ...(assignee ? { assignee } : {}),
    ...(target ? { target } : {}),
    ...(inheritFrom ? { inheritFrom: inheritFrom.filter((v): v is string => v !== null) } : {}),
    permission,
    prohibition,
    obligation,
  };
  for (const c of findContradictions(policy)) report(c.path, 'contradictory_rules', c.message, c.params);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, policy };
}

function parseType(value: unknown, report: IssueSink): PolicyType | null {
  const raw = typeof value === 'string' ? stripPrefix(value) : null;
  // ODRL: a Policy with no subclass is a Set.
  if (raw === 'Set' || raw === 'Policy') return 'Set';
  if (raw === 'Offer' || raw === 'Agreement') return raw;
  report('@type', 'bad_type', '"@type" must be "Set", "Offer" or "Agreement"', { value: String(value) });
  return null;
}

function parseProfile(value: unknown, report: IssueSink): string | undefined {
  if (value === undefined) return undefined;
  const profiles = asArray(value).map(iriOf);
  // ODRL 2.2 §2.1: a system that does not understand a policy's profile must not process the policy.
  const unknown = profiles.find((p) => p !== PROFILE_IRI);
  if (unknown !== undefined) report('profile', 'unknown_profile', `only the profile ${PROFILE_IRI} is understood`, { value: String(unknown) });
  return PROFILE_IRI;
}

function parseConflict(value: unknown, report: IssueSink): ConflictStrategy | undefined {
  if (value === undefined) return undefined;
  const raw = iriOf(value);
  const term = raw === null ? null : stripPrefix(raw);
  if (term === 'perm' || term === 'prohibit' || term === 'invalid') return term;
  report('conflict', 'bad_conflict', '"conflict" must be "perm", "prohibit" or "invalid"', { value: String(raw) });
  return undefined;
}

// The action of a rule: a string, or `{"rdf:value": {"@id": …}, "refinement": […]}` as ODRL writes refined
// actions. A refinement narrows the action; for a decision it is evaluated like a constraint of the rule.
function parseRule(rule: unknown, path: string, report: IssueSink): Omit<Permission, 'duty'> {
  if (!isObject(rule)) {
    report(path, 'bad_rule', 'a rule must be an object');
    return { action: 'use', constraint: [] };
  }
  const actions = asArray(rule.action);
  if (actions.length !== 1) report(`${path}.action`, 'bad_action', 'a rule needs exactly one "action"');
  const first = actions[0];
  const refined = isObject(first) && first['rdf:value'] !== undefined;
  const actionIri = refined ? iriOf(first['rdf:value']) : iriOf(first);
  const action = actionIri === null ? null : stripPrefix(actionIri);
  if (action !== null && !(ACTIONS as readonly string[]).includes(action))
    report(`${path}.action`, 'unknown_action', `unknown action "${action}"; the profile knows ${ACTIONS.join(', ')}`, { action });
  const constraint = [
    ...parseConstraints(rule.constraint, `${path}.constraint`, report, false),
    ...(refined && isObject(first) ? parseConstraints(first.refinement, `${path}.action.refinement`, report, false) : []),
  ];
  const assigner = parseParty(rule.assigner, `${path}.assigner`, report);
  const assignee = parseParty(rule.assignee, `${path}.assignee`, report);
  const target = rule.target === undefined ? undefined : (iriOf(rule.target) ?? undefined);
  return {
    ...(typeof rule.uid === 'string' ? { uid: rule.uid } : {}),
    action: action !== null && (ACTIONS as readonly string[]).includes(action) ? (action as Action) : 'use',
    ...(target ? { target } : {}),
    ...(assigner ? { assigner } : {}),
    ...(assignee ? { assignee } : {}),
    constraint,
  };
}

/** True when a rule of `ruleAction` concerns a request for `requested` (either includes the other). */
export function actionsOverlap(ruleAction: string, requested: string): boolean {
  return actionIncludes(ruleAction, requested) || actionIncludes(requested, ruleAction);
}
