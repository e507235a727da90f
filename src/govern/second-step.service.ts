import type { IdentityService, PublicUser, SignInClient } from './identity.service.js';
import type { SignInThrottle } from './login-throttle.service.js';
import { isSecondFactorFailure, type SecondFactorProof, type TwoFactorService } from './two-factor.service.js';

/**
 * The second step of signing in: a challenge from the password step plus a code or a recovery code.
 * Wrong codes count against the account in the same throttle as wrong passwords (under their own
 * key), so six digits cannot be guessed faster than a password; only a success uses the challenge up.
 */
export class SecondStepSignIn {
  constructor(
    private readonly identity: IdentityService,
    private readonly twoFactor: TwoFactorService,
    private readonly throttle: SignInThrottle | null,
  ) {}

  async complete(challenge: string, proof: SecondFactorProof, client: SignInClient): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
    const userId = await this.twoFactor.challengeUser(challenge);
    const attempt = async () => {
      await this.twoFactor.verify(userId, proof);
      await this.twoFactor.useChallenge(challenge);
      return this.identity.openSessionFor(userId, client);
    };
    if (!this.throttle) return attempt();
    const { username } = await this.identity.getUser(userId);
    // Counted under a name of its own (usernames cannot hold ':'): a right password clears the
    // password's count, and must not clear the codes' count, or password + 5 guesses could repeat.
    return this.throttle.guard(`mfa:${username}`, client.ip, attempt, isSecondFactorFailure);
  }
}
