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
