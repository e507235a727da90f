import path from 'node:path';

/**
 * Makes an uploaded or imported file name safe to show and store: the last path segment only
 * (no "../"), Unicode NFC, no control or bidi-override characters, at most 255 UTF-8 bytes.
 * Names are labels only; storage is content-addressed, so a name never becomes a path.
 */
export function cleanFileName(raw: string): string {
  const last = raw.replaceAll('\\', '/').split('/').filter((s) => s && s !== '.' && s !== '..').pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    // C0/C1 controls, zero-width and bidirectional override characters can disguise extensions.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .trim();
  if (!cleaned) return 'unnamed';
  if (Buffer.byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned;
  // File systems limit names in bytes: a Chinese character takes three.
  const ext = path.extname(cleaned).slice(0, 16);
  let stem = [...cleaned.slice(0, cleaned.length - ext.length)];
  while (stem.length > 0 && Buffer.byteLength(stem.join('') + ext) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
  return stem.join('') + ext;
}

const MAX_NAME_BYTES = 255;

/** A title from a file name: no extension, separators as spaces. */
export function titleFromFileName(name: string): string {
  const base = name.replace(/\.[^.]{1,8}$/, '').replace(/[_]+/g, ' ').trim();
  return base || name;
}
