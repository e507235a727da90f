import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of scans, evidence, fingerprints, watermarks and ISCC codes, with their parameters (see platform/errors.ts). */
export const PROTECT_ERROR_KEYS = errorKeys({
  // Notices (warnings) of fingerprints and scans.
  /** `pages`: frames or pages in the file (only the first is fingerprinted). */
  'notice.first_frame_only': ['pages'],
  'notice.too_flat': ['quality', 'minimum'],
  'notice.no_iscc': [],
  'notice.watermark_unread': [],
  'not_found.evidence_report': ['id'],
  'not_found.blob': ['sha256'],
  'not_found.work_blob': ['id'],
  'not_found.image_file': ['path'],
  'scan.forbidden': [],
  'scan.too_many_files': ['max'],
  'evidence.one_file': [],
  'evidence.pending': ['id'],
  'copy.issue_forbidden': ['id'],
  'copy.list_forbidden': ['id'],
  'copy.licensee_required': [],
  'copy.no_image': ['id'],
  'fingerprint.image_too_small': ['width', 'height', 'min'],
  'watermark.image_too_small': ['width', 'height', 'min'],
  'watermark.image_too_large': ['pixels', 'limit'],
  'watermark.unreadable': [],
  'watermark.already_marked': [],
  'watermark.key_length': ['length'],
  'watermark.payload_length': ['length'],
  // ISCC codes are made from images the archive already holds; these are bugs or bad stored data.
  'iscc.computation': [],
  'iscc.invalid_code': [],
  'iscc.not_base32': ['code', 'character'],
  'iscc.meta_invalid': [],
  'iscc.meta_too_large': ['size', 'max'],
  'iscc.name_empty': [],
  /** `path`: where in the JSON value (`$.a[0]`). */
  'iscc.json_value': ['path'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof PROTECT_ERROR_KEYS> {}
}
