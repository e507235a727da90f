import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of accounts, sign-in and access, with their parameters (see platform/errors.ts). */
export const GOVERN_ERROR_KEYS = errorKeys({
  'not_found.user': ['id'],
  'not_found.api_token': ['id'],
  'auth.bad_credentials': [],
  'auth.current_password_wrong': [],
  'auth.rate_limited': ['retryAfterSeconds'],
  'auth.csrf_header_missing': ['header'],
  /** `roles`: the roles that may, comma-separated (`admin,curator`); the client names them. */
  'auth.role_required': ['roles'],
  /** Two-factor sign-in: a code that matches no step in the window (forged, mistyped or too old). */
  'auth.mfa_code_invalid': [],
  /** A code of a time step already used (each code signs in once). */
  'auth.mfa_replayed': [],
  'auth.recovery_code_invalid': [],
  /** The sign-in challenge expired, was used, or never existed: sign in with the password again. */
  'auth.mfa_challenge_invalid': [],
  'auth.mfa_not_pending': [],
  'auth.mfa_already_enabled': [],
  'auth.mfa_not_enabled': [],
  'auth.mfa_proof_required': [],
  /** The instance requires two-factor sign-in for this role: only enrolment is open until it is set up. */
  'auth.mfa_enrolment_required': [],
  'not_found.session': ['id'],
  /** Passkeys (WebAuthn). A ceremony's challenge that was never issued (or was swept long ago). */
  'auth.passkey_challenge_unknown': [],
  /** A challenge used once already: each ceremony is single use; start it again. */
  'auth.passkey_challenge_used': [],
  /** A challenge older than 5 minutes. */
  'auth.passkey_challenge_expired': [],
  /** The browser signed for another site (`origin`): a phishing page, or a wrong public URL. */
  'auth.passkey_origin_mismatch': ['origin'],
  /** The authenticator signed for another relying party (its RP ID hash is not this instance's). */
  'auth.passkey_rp_mismatch': [],
  /** The signature counter went back: the passkey may have been cloned; it is refused. */
  'auth.passkey_counter_regressed': [],
  /** The signature or the response's shape does not verify. */
  'auth.passkey_invalid': [],
  /** A passkey this instance does not know (or not of the account signing in). */
  'auth.passkey_unknown': [],
  'auth.passkey_user_verification_required': [],
  'auth.passkey_already_registered': [],
  'auth.passkey_name_length': ['max'],
  /** Removing it would leave an account whose role must use two-factor sign-in with no second factor. */
  'auth.passkey_last_factor': [],
  /** Passkeys need the instance's public URL (the site they are bound to); set it first. */
  'auth.passkey_unavailable': [],
  'not_found.passkey': ['id'],
  /** An admin cannot reset their own two-factor sign-in (another admin must). */
  'user.two_factor_reset_self': [],
  'user.username_invalid': ['min', 'max'],
  'user.username_taken': ['username'],
  'user.role_invalid': ['role'],
  'user.last_admin': [],
  'password.too_short': ['min'],
  'password.too_long': ['max'],
  'token.name_length': ['max'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof GOVERN_ERROR_KEYS> {}
}
