import type { IdentityService, PublicUser, SignInClient } from './identity.service.js';
import type { SignInThrottle } from './login-throttle.service.js';
import { isPasskeyFailure, type PasskeyService } from './passkey.service.js';
import { isSecondFactorFailure, type SecondFactorProof, type TwoFactorService } from './two-factor.service.js';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

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
    private readonly passkeys: PasskeyService | null = null,
  ) {}

  /** Options for the browser to sign the second step with one of the account's passkeys. */
  async passkeyOptions(challenge: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const userId = await this.twoFactor.challengeUser(challenge);
    return this.requirePasskeys().signInOptions({ userId, mfaChallenge: challenge });
  }

  /** The second step proven with a passkey instead of a code; counted in the same throttle as codes. */
  async completeWithPasskey(challenge: string, response: AuthenticationResponseJSON, client: SignInClient): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
    const passkeys = this.requirePasskeys();
    const userId = await this.twoFactor.challengeUser(challenge);
    const attempt = async () => {
      await passkeys.verifySignIn(response, { userId, mfaChallenge: challenge });
      await this.twoFactor.useChallenge(challenge);
      return this.identity.openSessionFor(userId, client);
    };
    if (!this.throttle) return attempt();
    const { username } = await this.identity.getUser(userId);
    return this.throttle.guard(`mfa:${username}`, client.ip, attempt, (error) => isSecondFactorFailure(error) || isPasskeyFailure(error));
  }

  /**
   * A passwordless sign-in with a discoverable passkey, behind the same throttle: failures count
   * against the address (with wrong passwords) and against the passkey named (its own key).
   */
  async passwordless(response: AuthenticationResponseJSON, client: SignInClient): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
    const passkeys = this.requirePasskeys();
    const attempt = async () => this.identity.openSessionFor((await passkeys.verifySignIn(response, null)).userId, client);
    if (!this.throttle) return attempt();
    return this.throttle.guard(`passkey:${response.id}`, client.ip, attempt, isPasskeyFailure);
  }

  private requirePasskeys(): PasskeyService {
    if (!this.passkeys) throw new Error('passkeys are not wired into the second step');
    return this.passkeys;
  }

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
