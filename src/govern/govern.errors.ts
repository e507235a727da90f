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
