import { AppError, errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of the instance's identity and its setup, with their parameters (see platform/errors.ts). */
export const INSTANCE_ERROR_KEYS = errorKeys({
  'setup.required': [],
  'not_found.instance_logo': [],
  'instance.name_required': [],
  /** `max`: characters per language. */
  'instance.name_too_long': ['max'],
  'instance.public_url_required': [],
  /** `value`: what was given. */
  'instance.public_url_invalid': ['value'],
  /** `variable`: the environment variable that sets it (WENYUAN_PUBLIC_URL). */
  'instance.public_url_from_env': ['variable'],
  'instance.registry_origin_required': [],
  'instance.registry_origin_invalid': ['value'],
  /** `origin`: the origin the log's key already carries. */
  'instance.registry_origin_fixed': ['origin'],
  /** `types`: the accepted formats, comma-separated (PNG,JPEG,WebP). */
  'instance.logo_type': ['types'],
  /** `max`: the limit in bytes. */
  'instance.logo_too_large': ['max'],
  'instance.logo_unreadable': [],
  'instance.logo_missing': [],
  /** `ratio`: the colour's contrast with the text it carries, like 2.1 (WCAG asks 4.5, at least 3 is required). */
  'instance.theme_low_contrast': ['ratio'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof INSTANCE_ERROR_KEYS> {}
}

/** Registering (anything that would fix the log's origin) before an admin has finished setup. */
export function setupRequired(): AppError<'setup.required'> {
  return new AppError(
    'setup_required',
    'this instance is not set up yet: an administrator must give the institution’s name, public URL and registry origin first (the setup page in the web interface, or `wenyuan setup`)',
    { key: 'setup.required' },
  );
}
