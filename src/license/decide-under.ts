import type { ReuseFlags } from '../discover/reuse-flags.js';
import { decide, type Decision, type Policy, type UseRequest } from './policy/index.js';

/**
 * Decides a use under a policy and the heritage rules of the work: the heritage policies become the
 * policy's parents (ODRL inheritFrom), so their prohibitions, obligations and duties bind the answer.
 */
export function decideUnder(request: UseRequest, policy: Policy, heritage: readonly Policy[]): Decision {
  if (heritage.length === 0) return decide(request, policy);
  const parents = heritage.map((p) => p.uid).filter((uid) => uid !== policy.uid && !(policy.inheritFrom ?? []).includes(uid));
  return decide(request, { ...policy, inheritFrom: [...(policy.inheritFrom ?? []), ...parents] }, heritage);
}

/**
 * The reuse flags of a licence: free to reuse (reproduce, non-commercially), AI training (mine,
 * commercially) and licensable (offers), as a work's terms page says them (TermsService.termsOf).
 */
export function reuseFlagsUnder(licence: Policy | null, heritage: readonly Policy[], offers: readonly Policy[], date: string): ReuseFlags {
  return {
    freeToReuse: licence ? decideUnder({ action: 'reproduce', purpose: ['non-commercial'], date }, licence, heritage).outcome !== 'deny' : false,
    aiTraining: licence ? decideUnder({ action: 'tdm:mine', purpose: ['commercial'], date }, licence, heritage).outcome !== 'deny' : false,
    licensable: offers.length > 0,
  };
}
