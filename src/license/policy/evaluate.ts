// The policy engine ("the smart contract"): one pure function decides a requested use.
//
// ODRL 2.2 semantics applied:
// - What is not permitted is prohibited: no permission covering the request ⇒ deny (`not_permitted`).
// - Action inclusion: a permission of `use` covers `reproduce`; a prohibition applies when its action and
//   the requested one overlap (a prohibition of `use` forbids everything; a request for `use` meets a
//   prohibition of `reproduce`, since the broad use includes reproducing).
// - A permission whose duties are not yet fulfilled is not in effect; the engine cannot know whether they
//   will be, so it answers `permit-with-duties` and lists them.
// - Conflict between a matching permission and a matching prohibition is settled by the policy's
//   `conflict` (default `invalid` per ODRL 2.2: the policy is void for that use).
//
// Inheritance (ODRL inheritFrom), as this profile reads it: the effective rules are the policy's own plus
// those of every policy it inherits from (heritage elements, a collection), transitively. Inherited
// prohibitions and obligations always apply. Inherited permissions do not grant on their own (a heritage
// element cannot license a work it does not own — ODRL would merge them, which is the ambiguity): their
// duties (5 % to a community fund, attribution to the community) attach whenever one of them covers the
// same request. When a permission and a prohibition both match, the strictest strategy among the policies
// involved decides (invalid > prohibit > perm), and the trace says so. A parent named in inheritFrom but not
// supplied makes the decision deny (`missing_inherited_policy`): a forgotten heritage rule never permits.
import { constraintsHold, type UseContext } from './constraint.js';
import { parseInstant } from './date-time.js';
import type { AtomicConstraint } from './constraint-parse.js';
import { actionsOverlap, type ConflictStrategy, type Duty, type Permission, type Policy, type Prohibition } from './policy.schema.js';
import { ACTIONS, MEDIA, PURPOSES, actionIncludes, normalizePurposes, normalizeTerritory, stripPrefix } from './vocabulary.js';

export type { Duty } from './policy.schema.js';

export type UseRequest = { assignee?: string; action: string; purpose: string[]; territory?: string; media?: string; date: string; count?: number };
export type RuleRef = { policy: string; kind: 'permission' | 'prohibition' | 'obligation'; index: number; uid?: string };
export type Decision = {
  outcome: 'permit' | 'deny' | 'permit-with-duties';
  duties: Duty[];
  rule: RuleRef | null;
  reason: { code: string; params: Record<string, string | number> };
  trace: string[];
  remedies?: Duty[]; // what a prohibition that decided asks of whoever breaks it
};

const STRICTNESS: Record<ConflictStrategy, number> = { perm: 0, prohibit: 1, invalid: 2 };
type Matched<R> = { policy: Policy; index: number; rule: R };

/** Decides one requested use against a policy and the policies it inherits (heritage elements, a collection). Pure. */
export function decide(request: UseRequest, policy: Policy, inherited: readonly Policy[] = []): Decision {
  const trace: string[] = [];
  const deny = (code: string, params: Record<string, string | number>, rule: RuleRef | null = null, extra: Partial<Decision> = {}): Decision => {
    trace.push(`deny: ${code}`);
    return { outcome: 'deny', duties: [], rule, reason: { code, params }, trace, ...extra };
  };
  const action = stripPrefix(request.action);
  if (!(ACTIONS as readonly string[]).includes(action)) return deny('unknown_action', { action });
  const ctx = useContext(request);
  if (typeof ctx === 'string') return deny('bad_request', { field: ctx });

  const parents = resolveParents(policy, inherited);
  if (typeof parents === 'string') return deny('missing_inherited_policy', { uid: parents });
  if (parents.length > 0) trace.push(`inherits ${parents.map((p) => p.uid).join(', ')}`);

  const prohibitions: Matched<Prohibition>[] = [];
  for (const pol of [policy, ...parents]) {
    pol.prohibition.forEach((rule, index) => {
      if (!actionsOverlap(rule.action, action)) return;
      const assignee = rule.assignee ?? pol.assignee;
      if (assignee && request.assignee !== undefined && assignee.uid !== request.assignee) return;
      if (constraintsHold(rule.constraint, ctx, true).ok) {
        prohibitions.push({ policy: pol, index, rule });
        trace.push(`${pol.uid} prohibition[${index}] (${rule.action}) matches`);
      }
    });
  }

  const permissions: Matched<Permission>[] = [];
  let failure: { index: number; rule: Permission; failed: AtomicConstraint; missing: boolean } | null = null;
  let mismatch: { index: number; rule: Permission } | null = null;
  policy.permission.forEach((rule, index) => {
    if (!actionIncludes(rule.action, action)) return;
    const assignee = rule.assignee ?? policy.assignee;
    if (assignee && assignee.uid !== request.assignee) {
      trace.push(`permission[${index}] is for ${assignee.uid}, not ${request.assignee ?? 'an unnamed party'}`);
      mismatch ??= { index, rule };
      return;
    }
    const held = constraintsHold(rule.constraint, ctx, false);
    if (!held.ok) {
      trace.push(`permission[${index}] (${rule.action}): constraint ${describe(held.failed)} fails${held.missing ? ' (value not given)' : ''}`);
      failure ??= { index, rule, failed: held.failed, missing: held.missing };
      return;
    }
    permissions.push({ policy, index, rule });
    trace.push(`permission[${index}] (${rule.action}) matches`);
  });

  const firstProhibition = prohibitions[0];
  if (permissions.length === 0) {
    if (firstProhibition) return denyByProhibition(firstProhibition, 'prohibited', {}, deny);
    if (failure) {
      const f: { index: number; rule: Permission; failed: AtomicConstraint; missing: boolean } = failure;
      const ref = ruleRef(policy, 'permission', f.index, f.rule.uid);
      const code = f.missing ? 'constraint_failed' : timeCode(f.failed, ctx);
      return deny(code, { operand: f.failed.leftOperand, operator: f.failed.operator, value: String(f.failed.rightOperand), ...(f.missing ? { missing: 1 } : {}) }, ref);
    }
    if (mismatch) {
      const m: { index: number; rule: Permission } = mismatch;
      return deny('assignee_mismatch', { assignee: request.assignee ?? '' }, ruleRef(policy, 'permission', m.index, m.rule.uid));
    }
    trace.push('no permission covers the request: what is not permitted is prohibited');
    return deny('not_permitted', { action });
  }

  if (firstProhibition) {
    const involved = [policy, ...prohibitions.map((p) => p.policy)].filter((p, i, all) => all.indexOf(p) === i);
    const strategy = involved.map((p) => p.conflict ?? 'invalid').reduce((a, b) => (STRICTNESS[b] > STRICTNESS[a] ? b : a));
    trace.push(`conflict between permission and prohibition: strategy "${strategy}" (strictest of ${involved.map((p) => `${p.uid}: ${p.conflict ?? 'invalid (default)'}`).join(', ')})`);
    if (strategy === 'invalid') return denyByProhibition(firstProhibition, 'conflict_invalid', { strategy }, deny);
    if (strategy === 'prohibit') return denyByProhibition(firstProhibition, 'prohibited', { strategy }, deny);
    trace.push('the permission prevails');
  }

  // Any matching permission grants; prefer one without duties, else the first written.
  const owed = (duties: readonly Duty[]) => duties.filter((d) => !d.constraint || constraintsHold(d.constraint, ctx, true).ok);
  const chosen = permissions.find((p) => owed(p.rule.duty).length === 0) ?? permissions[0]!;
  const duties: Duty[] = [...owed(chosen.rule.duty), ...owed(policy.obligation)];
  for (const parent of parents) {
    duties.push(...owed(parent.obligation));
    parent.permission.forEach((rule, index) => {
      if (!actionIncludes(rule.action, action)) return;
      const assignee = rule.assignee ?? parent.assignee;
      if (assignee && assignee.uid !== request.assignee) return;
      if (!constraintsHold(rule.constraint, ctx, false).ok) return;
      const attached = owed(rule.duty);
      if (attached.length > 0) trace.push(`${parent.uid} permission[${index}] attaches ${attached.length} dut${attached.length === 1 ? 'y' : 'ies'}`);
      duties.push(...attached);
    });
  }
  const unique = duties.filter((d, i) => duties.findIndex((e) => e.fromPolicy === d.fromPolicy && e.rule === d.rule) === i);
  const outcome = unique.length > 0 ? 'permit-with-duties' : 'permit';
  trace.push(`${outcome}: permission[${chosen.index}]${unique.length > 0 ? ` with ${unique.map((d) => d.action).join(', ')}` : ''}`);
  return {
    outcome,
    duties: unique,
    rule: ruleRef(policy, 'permission', chosen.index, chosen.rule.uid),
    reason: { code: 'permitted', params: { duties: unique.length } },
    trace,
  };
}

function denyByProhibition(
  match: Matched<Prohibition>,
  code: string,
  params: Record<string, string | number>,
  deny: (code: string, params: Record<string, string | number>, rule: RuleRef | null, extra?: Partial<Decision>) => Decision,
): Decision {
  const ref = ruleRef(match.policy, 'prohibition', match.index, match.rule.uid);
  const extra = match.rule.remedy.length > 0 ? { remedies: match.rule.remedy } : {};
  return deny(code, { ...params, action: match.rule.action, policy: match.policy.uid }, ref, extra);
}

function ruleRef(policy: Policy, kind: RuleRef['kind'], index: number, uid: string | undefined): RuleRef {
  return uid ? { policy: policy.uid, kind, index, uid } : { policy: policy.uid, kind, index };
}

// A failed time constraint says whether the licence has run out or has not begun.
function timeCode(failed: AtomicConstraint, ctx: UseContext): string {
  if (failed.leftOperand !== 'dateTime' || ctx.instant === null) return 'constraint_failed';
  const span = parseInstant(String(failed.rightOperand));
  if (!span) return 'constraint_failed';
  if (ctx.instant >= span.start && (failed.operator === 'lt' || failed.operator === 'lteq' || failed.operator === 'eq')) return 'expired';
  if (ctx.instant < span.end && (failed.operator === 'gt' || failed.operator === 'gteq' || failed.operator === 'eq')) return 'not_yet_valid';
  return 'constraint_failed';
}

const describe = (c: AtomicConstraint): string => `${c.leftOperand} ${c.operator} ${Array.isArray(c.rightOperand) ? c.rightOperand.join('|') : String(c.rightOperand)}`;

// The request's facts, normalised once; a string names the field that is malformed.
function useContext(request: UseRequest): UseContext | string {
  const named = request.purpose.map(stripPrefix);
  if (named.some((p) => !(PURPOSES as readonly string[]).includes(p))) return 'purpose';
  const span = parseInstant(request.date);
  if (!span) return 'date';
  const territory = request.territory === undefined ? null : normalizeTerritory(request.territory);
  if (request.territory !== undefined && territory === null) return 'territory';
  const media = request.media === undefined ? null : stripPrefix(request.media);
  if (media !== null && !(MEDIA as readonly string[]).includes(media)) return 'media';
  if (request.count !== undefined && !(Number.isSafeInteger(request.count) && request.count >= 0)) return 'count';
  return { purposes: normalizePurposes(named), namedPurposes: new Set(named), territory, media, instant: span.start, count: request.count ?? null };
}

// Every ancestor reachable through inheritFrom, nearest first; the uid of the first one not supplied.
function resolveParents(policy: Policy, inherited: readonly Policy[]): Policy[] | string {
  if (!policy.inheritFrom || policy.inheritFrom.length === 0) return [];
  const out: Policy[] = [];
  const queue = [...policy.inheritFrom];
  const seen = new Set<string>([policy.uid]);
  while (queue.length > 0) {
    const uid = queue.shift()!;
    if (seen.has(uid)) continue;
    seen.add(uid);
    const parent = inherited.find((p) => p.uid === uid);
    if (!parent) return uid;
    out.push(parent);
    if (parent.inheritFrom) queue.push(...parent.inheritFrom);
  }
  return out;
}
