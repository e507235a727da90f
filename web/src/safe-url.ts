/** Returns the URL when it is http(s), else null: metadata links must never run script (javascript:, data:). */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A link written by staff in Markdown (exhibition text), or null when it could run script: http(s),
 * mailto and relative links pass; javascript:, data:, vbscript: and every other scheme do not.
 * Browsers ignore tabs, newlines and leading controls in a scheme (`java\tscript:`), so those are
 * removed before the scheme is read, and the cleaned link is what is returned.
 */
export function safeLinkUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  // As the URL standard reads it: tabs and newlines dropped anywhere, controls and spaces trimmed at both ends.
  const cleaned = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (!cleaned || /[\u0000-\u001f\u007f]/.test(cleaned)) return null;
  // A colon before any / ? # ends a scheme (or something a browser might yet read as one, `java%09script:`).
  const end = cleaned.search(/[:/?#]/);
  if (end < 0 || cleaned[end] !== ':') return cleaned;
  return ['http', 'https', 'mailto'].includes(cleaned.slice(0, end).toLowerCase()) ? cleaned : null;
}
