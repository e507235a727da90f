import { createHash, randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { PasskeyChallengeRow, PasskeyRepository, PasskeyRow } from './passkey.repository.js';
import type { Role } from './roles.js';

/** How long a ceremony may take, from the options to the browser's answer. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEY_NAME_MAX = 100;

/** Who the passkeys are bound to: the site's host (RP ID) and the exact origin browsers sign for. */
export interface RelyingParty {
  rpId: string;
  origin: string;
}

/**
 * The relying party from the instance's public URL; null while there is none, or when its host is an
 * IP address, which browsers refuse as an RP ID ("invalid domain"; `localhost` is fine over http).
 */
export function relyingPartyOf(publicUrl: string | null): RelyingParty | null {
  if (!publicUrl) return null;
  try {
    const url = new URL(publicUrl);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.startsWith('[')) return null;
    return { rpId: url.hostname, origin: url.origin };
  } catch {
    return null;
  }
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** What decides whether a passkey may be removed: the instance's rule and the account's other factor. */
export interface FactorRule {
  requiredRoles(): Promise<Role[]>;
  isEnabled(userId: string): Promise<boolean>;
}

type Purpose = 'register' | 'second_step' | 'passwordless';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Errors a wrong passkey answer gives; the sign-in throttle counts them like wrong codes. */
export function isPasskeyFailure(error: unknown): boolean {
  return error instanceof AppError && error.code === 'bad_credentials' && error.key.startsWith('auth.passkey_');
}

const refused = (key: 'auth.passkey_rp_mismatch' | 'auth.passkey_counter_regressed' | 'auth.passkey_invalid' | 'auth.passkey_unknown' | 'auth.passkey_user_verification_required', message: string) =>
  new AppError('bad_credentials', message, { key });

/**
 * Passkeys (WebAuthn, via @simplewebauthn/server): registering them, and checking the browser's
 * signed answers for sign-in, as the second step after a password or alone (a discoverable passkey
 * with user verification is itself multi-factor). Every ceremony has a single-use challenge stored
 * hashed for 5 minutes. Each check that can fail has its own error: a reused, expired or unknown
 * challenge, another origin (phishing), another relying party, a counter that went back (a cloned
 * authenticator). The challenge is used up first, so nothing else is written by a refused answer.
 */
export class PasskeyService {
  private relyingParty: () => Promise<RelyingParty | null> = async () => null;

  constructor(
    private readonly repo: PasskeyRepository,
    private readonly rule: FactorRule,
    private readonly options: { rpName: string },
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Where the relying party comes from (the instance module's public URL, joined by the composition root). */
  setRelyingParty(source: () => Promise<RelyingParty | null>): void {
    this.relyingParty = source;
  }

  async list(userId: string): Promise<PasskeyView[]> {
    return (await this.repo.listByUser(userId)).map(toView);
  }

  async hasPasskey(userId: string): Promise<boolean> {
    return (await this.repo.countByUser(userId)) > 0;
  }

  /** Options for `navigator.credentials.create`: a discoverable credential, excluding the ones the account has. */
  async registrationOptions(user: { id: string; username: string; displayName: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = await this.requireRelyingParty();
    const challenge = await this.issueChallenge('register', user.id, null);
    const existing = await this.repo.listByUser(user.id);
    return generateRegistrationOptions({
      rpName: this.options.rpName,
      rpID: rp.rpId,
      userName: user.username,
      userDisplayName: user.displayName,
      userID: userHandleOf(user.id),
      challenge,
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
  }

  /** Checks the browser's answer to `registrationOptions` and stores the passkey under `name`. */
  async register(userId: string, name: string, response: RegistrationResponseJSON): Promise<PasskeyView> {
    const cleanName = name.trim();
    if (!cleanName || cleanName.length > PASSKEY_NAME_MAX) throw CommonErrors.invalid(`a passkey's name must be 1–${PASSKEY_NAME_MAX} characters`, { key: 'auth.passkey_name_length', params: { max: PASSKEY_NAME_MAX } });
    const rp = await this.requireRelyingParty();
    const client = clientDataOf(response.response.clientDataJSON, 'webauthn.create');
    await this.useChallenge(client.challenge, 'register', userId);
    checkOrigin(client.origin, rp);
    let authData: Uint8Array;
    try {
      authData = decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject)).get('authData');
    } catch {
      throw refused('auth.passkey_invalid', 'the passkey answer could not be read');
    }
    checkRpIdHash(authData.subarray(0, 32), rp);
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({ response, expectedChallenge: client.challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpId, requireUserVerification: false });
    } catch (error) {
      throw refused('auth.passkey_invalid', `the passkey answer does not verify: ${(error as Error).message}`);
    }
    if (!verified.verified) throw refused('auth.passkey_invalid', 'the passkey answer does not verify');
    const { credential } = verified.registrationInfo;
    const row: PasskeyRow = {
      id: newId(),
      user_id: userId,
      credential_id: credential.id,
      public_key: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: (response.response.transports ?? credential.transports ?? []).join(','),
      name: cleanName,
      created_at: new Date(this.clock()).toISOString(),
      last_used_at: null,
    };
    if (!(await this.repo.insert(row))) throw CommonErrors.conflict('this passkey is registered already', { key: 'auth.passkey_already_registered' });
    return toView(row);
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyView> {
    const cleanName = name.trim();
    if (!cleanName || cleanName.length > PASSKEY_NAME_MAX) throw CommonErrors.invalid(`a passkey's name must be 1–${PASSKEY_NAME_MAX} characters`, { key: 'auth.passkey_name_length', params: { max: PASSKEY_NAME_MAX } });
    if (!(await this.repo.rename(userId, id, cleanName))) throw CommonErrors.notFound('passkey', { id });
    const row = (await this.repo.listByUser(userId)).find((p) => p.id === id);
    if (!row) throw CommonErrors.notFound('passkey', { id });
    return toView(row);
  }

  /**
   * Removes one of the account's passkeys; refused when it is the account's last second factor and
   * the instance requires two-factor sign-in of its role (it would be locked into enrolling again).
   */
  async remove(userId: string, role: Role, id: string): Promise<void> {
    const rows = await this.repo.listByUser(userId);
    if (!rows.some((p) => p.id === id)) throw CommonErrors.notFound('passkey', { id });
    if (rows.length === 1 && (await this.rule.requiredRoles()).includes(role) && !(await this.rule.isEnabled(userId))) {
      throw CommonErrors.conflict('this is your last second factor and this instance requires one for your role: add another passkey or an authenticator app first', { key: 'auth.passkey_last_factor' });
    }
    if (!(await this.repo.remove(userId, id))) throw CommonErrors.notFound('passkey', { id });
  }

  /** Removes every passkey of an account (an admin's reset after a lost device). */
  async removeAll(userId: string): Promise<void> {
    await this.repo.removeAllOf(userId);
  }

  /**
   * Options for `navigator.credentials.get`. With `secondStep`, for the account whose password was
   * right (its passkeys listed); without, for a passwordless sign-in (the browser offers its
   * discoverable passkeys for this site, and user verification is required).
   */
  async signInOptions(secondStep: { userId: string; mfaChallenge: string } | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rp = await this.requireRelyingParty();
    if (!secondStep) {
      const challenge = await this.issueChallenge('passwordless', null, null);
      return generateAuthenticationOptions({ rpID: rp.rpId, challenge, timeout: PASSKEY_CHALLENGE_TTL_MS, userVerification: 'required' });
    }
    const passkeys = await this.repo.listByUser(secondStep.userId);
    if (passkeys.length === 0) throw refused('auth.passkey_unknown', 'this account has no passkey; use a code from your authenticator app');
    const challenge = await this.issueChallenge('second_step', secondStep.userId, sha256(secondStep.mfaChallenge));
    return generateAuthenticationOptions({
      rpID: rp.rpId,
      challenge,
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      userVerification: 'preferred',
      allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    });
  }

  /**
   * Checks a sign-in answer; resolves to the account it signs in. `secondStep` names the account
   * whose password was right and the password step's challenge the options were made for.
   */
  async verifySignIn(response: AuthenticationResponseJSON, secondStep: { userId: string; mfaChallenge: string } | null): Promise<{ userId: string; passkeyId: string }> {
    const rp = await this.requireRelyingParty();
    const client = clientDataOf(response.response.clientDataJSON, 'webauthn.get');
    const row = await this.useChallenge(client.challenge, secondStep ? 'second_step' : 'passwordless', secondStep?.userId ?? null);
    if (secondStep && row.mfa_challenge_hash !== sha256(secondStep.mfaChallenge)) throw challengeError('unknown');
    checkOrigin(client.origin, rp);
    const passkey = await this.repo.findByCredentialId(response.id);
    if (!passkey || (secondStep && passkey.user_id !== secondStep.userId)) throw refused('auth.passkey_unknown', 'this passkey is not registered here; sign in with your password');
    // A discoverable passkey names its account; it must be the one the credential was registered to.
    if (response.response.userHandle && response.response.userHandle !== isoBase64URL.fromBuffer(userHandleOf(passkey.user_id))) {
      throw refused('auth.passkey_unknown', 'this passkey belongs to another account');
    }
    let parsed: ReturnType<typeof parseAuthenticatorData>;
    try {
      parsed = parseAuthenticatorData(isoBase64URL.toBuffer(response.response.authenticatorData));
    } catch {
      throw refused('auth.passkey_invalid', 'the passkey answer could not be read');
    }
    checkRpIdHash(parsed.rpIdHash, rp);
    const stored = Number(passkey.counter);
    if ((parsed.counter > 0 || stored > 0) && parsed.counter <= stored) throw counterError();
    if (!secondStep && !parsed.flags.uv) throw refused('auth.passkey_user_verification_required', 'signing in with a passkey alone needs it to check it is you (PIN, fingerprint or face)');
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: client.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        credential: { id: passkey.credential_id, publicKey: isoBase64URL.toBuffer(passkey.public_key), counter: stored, transports: transportsOf(passkey) },
        requireUserVerification: !secondStep,
      });
    } catch (error) {
      throw refused('auth.passkey_invalid', `the passkey's signature does not verify: ${(error as Error).message}`);
    }
    if (!verified.verified) throw refused('auth.passkey_invalid', "the passkey's signature does not verify");
    // Another answer with the same or a higher counter got in first: this one is the replay or the clone.
    if (!(await this.repo.recordUse(passkey.id, verified.authenticationInfo.newCounter, new Date(this.clock()).toISOString()))) throw counterError();
    return { userId: passkey.user_id, passkeyId: passkey.id };
  }

  private async requireRelyingParty(): Promise<RelyingParty> {
    const rp = await this.relyingParty();
    if (!rp) throw CommonErrors.conflict('passkeys need the public URL of this instance with a host name, not an IP address (the site they are bound to); an admin sets it in the instance settings', { key: 'auth.passkey_unavailable' });
    return rp;
  }

  /** A new challenge's bytes (the library base64url-encodes them into the options, as the browser echoes them). */
  private async issueChallenge(purpose: Purpose, userId: string | null, mfaChallengeHash: string | null): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(randomBytes(32));
    const challenge = isoBase64URL.fromBuffer(bytes);
    const now = this.clock();
    await this.repo.insertChallenge(
      { challenge_hash: sha256(challenge), purpose, user_id: userId, mfa_challenge_hash: mfaChallengeHash, expires_at: new Date(now + PASSKEY_CHALLENGE_TTL_MS).toISOString() },
      new Date(now).toISOString(),
    );
    return bytes;
  }

  /** Uses a ceremony's challenge up, or says precisely why it cannot be used. */
  private async useChallenge(challenge: string, purpose: Purpose, userId: string | null): Promise<PasskeyChallengeRow> {
    const hash = sha256(challenge);
    const row = await this.repo.findChallenge(hash);
    // One of another ceremony or another account is, for this one, a challenge never issued.
    if (!row || row.purpose !== purpose || (userId !== null && row.user_id !== userId)) throw challengeError('unknown');
    const now = new Date(this.clock()).toISOString();
    if (row.used_at) throw challengeError('used');
    if (row.expires_at <= now) throw challengeError('expired');
    if (!(await this.repo.useChallenge(hash, now))) throw challengeError('used');
    return row;
  }
}

/** The WebAuthn user handle of an account: its id's bytes (no name, no e-mail). */
function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId, 'utf8'));
}

function toView(row: PasskeyRow): PasskeyView {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

function transportsOf(row: PasskeyRow): AuthenticatorTransportFuture[] {
  return row.transports ? (row.transports.split(',') as AuthenticatorTransportFuture[]) : [];
}

function clientDataOf(encoded: string, type: 'webauthn.create' | 'webauthn.get'): { challenge: string; origin: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw refused('auth.passkey_invalid', 'the passkey answer could not be read');
  }
  const data = parsed as { type?: unknown; challenge?: unknown; origin?: unknown };
  if (data.type !== type || typeof data.challenge !== 'string' || typeof data.origin !== 'string') throw refused('auth.passkey_invalid', `the passkey answer is not a ${type} answer`);
  return { challenge: data.challenge, origin: data.origin };
}

function checkOrigin(origin: string, rp: RelyingParty): void {
  if (origin !== rp.origin) {
    throw new AppError('bad_credentials', `the passkey answer was made on ${origin}, not on ${rp.origin}: only this site's own pages may use its passkeys`, { key: 'auth.passkey_origin_mismatch', params: { origin: origin.slice(0, 200) } });
  }
}

function checkRpIdHash(rpIdHash: Uint8Array, rp: RelyingParty): void {
  const expected = createHash('sha256').update(rp.rpId).digest();
  if (!Buffer.from(rpIdHash).equals(expected)) throw refused('auth.passkey_rp_mismatch', `the authenticator signed for another site than ${rp.rpId}`);
}

function challengeError(reason: 'unknown' | 'used' | 'expired'): AppError {
  if (reason === 'used') return new AppError('bad_credentials', 'this passkey step was used already; start again', { key: 'auth.passkey_challenge_used' });
  if (reason === 'expired') return new AppError('bad_credentials', 'this passkey step took longer than 5 minutes; start again', { key: 'auth.passkey_challenge_expired' });
  return new AppError('bad_credentials', 'this passkey step was never started here; start again', { key: 'auth.passkey_challenge_unknown' });
}

function counterError(): AppError {
  return refused('auth.passkey_counter_regressed', "the passkey's signature counter went back: it may have been copied, so it is refused; sign in another way and remove it");
}
