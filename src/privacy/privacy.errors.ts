import { AppError, errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of consent, export and erasure, with their parameters (see platform/errors.ts). */
export const PRIVACY_ERROR_KEYS = errorKeys({
  'not_found.personal_export': ['id'],
  /** The consent was decided under notice `version`; the current notice is `current` (reload and read it). */
  'privacy.notice_changed': ['version', 'current'],
  /** An export of this person is already being made (`id`); wait for it. */
  'privacy.export_running': ['id'],
  'privacy.export_not_ready': ['id', 'status'],
  /** Each export is downloadable once. */
  'privacy.export_downloaded': ['id'],
  'privacy.export_expired': ['id'],
  'privacy.erasure_running': [],
  'privacy.already_erased': [],
  /** The only active administrator cannot be erased: make another admin first. */
  'privacy.last_admin': [],
  'privacy.password_wrong': [],
  /** The person is being erased: nothing more is made for them. */
  'privacy.account_erasing': [],
  /** Admins erase their own account from their account page, like everyone. */
  'privacy.own_account': [],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof PRIVACY_ERROR_KEYS> {}
}

export const exportNotFound = (id: string) => new AppError('not_found', `no export ${id} of yours`, { key: 'not_found.personal_export', params: { id } });
