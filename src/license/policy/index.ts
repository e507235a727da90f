// The ODRL 2.2 policy engine: parse and export policies, decide uses, map public licence URIs, price.
export { ACTIONS, DUTY_ACTIONS, LEFT_OPERANDS, MEDIA, OPERATORS, PURPOSES, parsePolicy } from './policy.schema.js';
export type { AtomicConstraint, Constraint, ConflictStrategy, Duty, LogicalConstraint, Party, Permission, Policy, PolicyIssue, PolicyType, Prohibition } from './policy.schema.js';
export { policyToJsonLd } from './policy-json-ld.js';
export { decide } from './evaluate.js';
export type { Decision, RuleRef, UseRequest } from './evaluate.js';
export { policyFromRightsUri } from './rights-uri.js';
export { MixedCurrencyError, priceOf, shareDuties } from './price.js';
export { canonicalJson } from './canonical-json.js';
export { JSON_LD_CONTEXT, PROFILE_IRI, actionIncludes, currencyOf, normalizeTerritory } from './vocabulary.js';
