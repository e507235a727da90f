import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newSecret } from '../platform/ids.js';
import type { KeyStore } from '../platform/keystore.js';
import { ROLES, type Role } from './roles.js';
import { base32Decode, base32Encode, checkTotp, normaliseRecoveryCode, otpauthUri, recoveryCode, TOTP } from './totp.js';
import type { TwoFactorRepository } from './two-factor.repository.js';

/** How long the step between a right password and the second factor may take. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const RECOVERY_CODE_COUNT = 10;
const POLICY_CACHE_MS = 5_000;

/** What proves the second factor: a code from the app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

export interface TwoFactorStatus {
  enabled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
}

/** What seals the TOTP secrets: the keystore (AES-256-GCM with a key under `<dataDir>/keys`). */
export type Sealer = Pick<KeyStore, 'seal' | 'unseal'>;

/** A sealer whose key lives only in this process: for tests and tools that keep nothing. */
export function memorySealer(): Sealer {
  const key = randomBytes(32);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    unseal(sealed) {
      const raw = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    },
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Errors a wrong second factor answers with; the sign-in throttle counts them as failures. */
export function isSecondFactorFailure(error: unknown): boolean {
  return error instanceof AppError && (error.key === 'auth.mfa_code_invalid' || error.key === 'auth.mfa_replayed' || error.key === 'auth.recovery_code_invalid');
}

/**
 * TOTP two-factor sign-in (RFC 6238) with recovery codes, the challenges between the password and
 * the code, and the instance's rule of which roles must use it. The secret is sealed with the
 * keystore's key (files under `<dataDir>/keys`), so the database alone never yields a code.
 */
export class TwoFactorService {
  private policy: { roles: Role[]; readAt: number } | null = null;

  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly keystore: Sealer,
    private readonly options: { issuer: string },
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async status(userId: string): Promise<TwoFactorStatus> {
    const row = await this.repo.findTotp(userId);
    const enabled = Boolean(row?.confirmed_at);
    return { enabled, pending: row !== undefined && !enabled, recoveryCodesLeft: enabled ? await this.repo.countRecoveryCodesLeft(userId) : 0 };
  }

  async isEnabled(userId: string): Promise<boolean> {
    return Boolean((await this.repo.findTotp(userId))?.confirmed_at);
  }

  /** Starts enrolment: a new secret, pending until a first code confirms the app has it. */
  async startEnrolment(userId: string, account: string): Promise<{ secret: string; uri: string }> {
    const secret = base32Encode(randomBytes(TOTP.secretBytes));
    const sealed = this.keystore.seal(Buffer.from(secret, 'utf8'));
    if (!(await this.repo.savePendingTotp(userId, sealed, new Date(this.clock()).toISOString()))) {
      throw CommonErrors.conflict('two-factor sign-in is already on; turn it off first to enrol a new app', { key: 'auth.mfa_already_enabled' });
    }
    return { secret, uri: otpauthUri(secret, this.options.issuer, account) };
  }

  /** Confirms enrolment with a first code; returns the recovery codes, which are shown this once. */
  async confirmEnrolment(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    const row = await this.repo.findTotp(userId);
    if (!row || row.confirmed_at) throw CommonErrors.conflict('no two-factor enrolment is waiting; start one first', { key: 'auth.mfa_not_pending' });
    const check = checkTotp(this.secretOf(row.secret_sealed), code, this.clock(), null);
    if (!check.ok) throw codeError('invalid');
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCode(randomBytes(12)));
    const hashes = recoveryCodes.map((c) => sha256(normaliseRecoveryCode(c)));
    if (!(await this.repo.confirmTotp(userId, check.step, hashes, new Date(this.clock()).toISOString()))) {
      throw CommonErrors.conflict('no two-factor enrolment is waiting; start one first', { key: 'auth.mfa_not_pending' });
    }
    return { recoveryCodes };
  }

  /**
   * Checks a second factor: a code (refused when forged, outside ±1 step, or of a step already
   * used) or a recovery code (burnt on use). Throws a precise error; resolves when it holds.
   */
  async verify(userId: string, proof: SecondFactorProof): Promise<void> {
    const row = await this.repo.findTotp(userId);
    if (!row?.confirmed_at) throw new AppError('bad_credentials', 'two-factor sign-in is not on for this account', { key: 'auth.mfa_not_enabled' });
    if ('recoveryCode' in proof) {
      const burnt = await this.repo.burnRecoveryCode(userId, sha256(normaliseRecoveryCode(proof.recoveryCode)), new Date(this.clock()).toISOString());
      if (!burnt) throw new AppError('bad_credentials', 'that recovery code is wrong or was used already', { key: 'auth.recovery_code_invalid' });
      return;
    }
    const check = checkTotp(this.secretOf(row.secret_sealed), proof.code, this.clock(), row.last_step);
    if (!check.ok) throw codeError(check.reason);
    // Another request may have accepted this step between the read and now: then this one is the replay.
    if (!(await this.repo.advanceStep(userId, check.step))) throw codeError('replayed');
  }

  /** Turns two-factor sign-in off; the caller has checked a code or the password. */
  async disable(userId: string): Promise<void> {
    const row = await this.repo.findTotp(userId);
    if (!row) throw CommonErrors.conflict('two-factor sign-in is not on', { key: 'auth.mfa_not_enabled' });
    await this.repo.deleteTotp(userId);
  }

  /** Removes the app's secret and the recovery codes, whatever their state (an admin's reset after a lost phone). */
  async reset(userId: string): Promise<void> {
    await this.repo.deleteTotp(userId);
  }

  /** A single-use challenge for the second step of signing in; it alone opens no session. */
  async createChallenge(userId: string): Promise<string> {
    const challenge = newSecret('wyc');
    const now = this.clock();
    await this.repo.insertChallenge(sha256(challenge), userId, new Date(now + CHALLENGE_TTL_MS).toISOString(), new Date(now).toISOString());
    return challenge;
  }

  /** The user a live challenge belongs to (it stays usable until `useChallenge`). */
  async challengeUser(challenge: string): Promise<string> {
    const row = await this.repo.findChallenge(sha256(challenge), new Date(this.clock()).toISOString());
    if (!row) throw challengeError();
    return row.user_id;
  }

  /** Uses a challenge up; refuses when another request used it first. */
  async useChallenge(challenge: string): Promise<void> {
    if (!(await this.repo.deleteChallenge(sha256(challenge)))) throw challengeError();
  }

  /**
   * The roles that must use two-factor sign-in on this instance (empty: nobody must). Every session
   * request asks, so it is read at most every few seconds; other API processes see a change within that.
   */
  async requiredRoles(): Promise<Role[]> {
    const now = this.clock();
    if (this.policy && now - this.policy.readAt < POLICY_CACHE_MS) return this.policy.roles;
    const roles = (await this.repo.readPolicy()).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    this.policy = { roles, readAt: now };
    return roles;
  }

  async setRequiredRoles(roles: Role[]): Promise<Role[]> {
    const allowed: Role[] = ['admin', 'curator'];
    const bad = roles.find((r) => !allowed.includes(r));
    if (bad) throw CommonErrors.invalid(`only admins and curators can be required to use two-factor sign-in, not ${bad}`, { key: 'user.role_invalid', params: { role: bad } });
    const clean = allowed.filter((r) => roles.includes(r));
    await this.repo.writePolicy(clean, new Date(this.clock()).toISOString());
    this.policy = null;
    return clean;
  }

  /** True when the rule requires two-factor for this role and the account has not enrolled yet. */
  async mustEnrol(userId: string, role: Role): Promise<boolean> {
    const roles = await this.requiredRoles();
    return roles.includes(role) && !(await this.isEnabled(userId));
  }

  // Sealed as the base32 text the app was given, so what is stored is exactly what was shown.
  private secretOf(sealed: string): Buffer {
    return base32Decode(this.keystore.unseal(sealed).toString('utf8'));
  }
}

function codeError(reason: 'invalid' | 'replayed'): AppError {
  return reason === 'replayed'
    ? new AppError('bad_credentials', 'that code was used already; wait for the next one', { key: 'auth.mfa_replayed' })
    : new AppError('bad_credentials', 'that code is wrong; type the 6 digits your authenticator app shows now', { key: 'auth.mfa_code_invalid' });
}

function challengeError(): AppError {
  return new AppError('bad_credentials', 'the sign-in step has expired or was used; sign in with your password again', { key: 'auth.mfa_challenge_invalid' });
}
