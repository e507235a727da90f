// Static check for rules that contradict each other under the `invalid` conflict strategy: a permission
// that a prohibition of the same (or a broader) action with identical constraints always cancels, which
// would void the policy for every use the permission is meant for.
import { canonicalJson } from './canonical-json.js';
import type { Policy } from './policy.schema.js';
import { actionIncludes } from './vocabulary.js';

/** The contradictions of a policy whose conflict strategy is (or defaults to) `invalid`. */
export function findContradictions(policy: Policy): { path: string; message: string; params: Record<string, string | number> }[] {
  if ((policy.conflict ?? 'invalid') !== 'invalid') return [];
  const out: { path: string; message: string; params: Record<string, string | number> }[] = [];
  policy.permission.forEach((permission, i) => {
    const key = canonicalJson(permission.constraint);
    policy.prohibition.forEach((prohibition, j) => {
      if (!actionIncludes(prohibition.action, permission.action)) return;
      if (canonicalJson(prohibition.constraint) !== key) return;
      if ((prohibition.assignee?.uid ?? null) !== (permission.assignee?.uid ?? null)) return;
      out.push({
        path: `prohibition[${j}]`,
        message: `permission[${i}] (${permission.action}) and prohibition[${j}] (${prohibition.action}) have the same constraints; with conflict "invalid" the policy would be void. Remove one or set "conflict" to "perm" or "prohibit".`,
        params: { permission: i, prohibition: j, action: permission.action },
      });
    });
  });
  return out;
}
