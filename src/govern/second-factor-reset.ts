import type { IdentityService } from './identity.service.js';
import type { PasskeyService } from './passkey.service.js';
import type { TwoFactorService } from './two-factor.service.js';

/**
 * A lost phone: removes the person's authenticator app, recovery codes and passkeys, and ends every
 * session of theirs, so they sign in with their password and enrol again. Unknown people are refused
 * (not found). Each step is idempotent, so running it again completes an interrupted reset. The
 * admin route and `wenyuan user reset-two-factor` both come here and audit it as their actor.
 */
export async function resetSecondFactors(
  deps: { identity: Pick<IdentityService, 'getUser' | 'endSessionsOf'>; twoFactor: Pick<TwoFactorService, 'reset'>; passkeys: Pick<PasskeyService, 'removeAll'> },
  userId: string,
): Promise<void> {
  await deps.identity.getUser(userId);
  await deps.twoFactor.reset(userId);
  await deps.passkeys.removeAll(userId);
  await deps.identity.endSessionsOf(userId);
}
