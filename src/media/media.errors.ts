import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of reading media files, with their parameters (see platform/errors.ts). */
export const MEDIA_ERROR_KEYS = errorKeys({
  'image.corrupt': [],
  'image.no_dimensions': [],
  /** `channels`: what the decoder gave; `expected`: what the caller needs (3 or 4). */
  'image.unexpected_channels': ['channels', 'expected'],
  'image.unsupported_format': [],
  /** `limit`: the most pixels an image may have. */
  'image.too_large': ['limit'],
  'image.too_large_declared': ['width', 'height', 'limit'],
  /** `ext`: the file name's extension (`.jpg`); `kind`: the kind it promises (image, audio, video, pdf). */
  'file.unreadable': ['ext', 'kind'],
  /** Notices (warnings). `ext`: the name's extension; `mediaType`: what the content is. */
  'notice.extension_mismatch': ['ext', 'mediaType'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof MEDIA_ERROR_KEYS> {}
}
