/**
 * Text normalisation as ISO 24138's reference does it, in Python's terms: Python's whitespace
 * (`str.isspace`, `str.split`, `str.strip`) and line breaks (`str.splitlines`) differ from
 * JavaScript's `\s`, so they are spelled out here.
 */

/** Characters Python's `str.isspace()` accepts. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_CHAR = new RegExp(`[${PY_SPACE}]`);
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'g');
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
/** Line breaks of Python's `str.splitlines()`. */
const PY_LINE_BREAK = /\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/;
/** Newline characters that `textClean` keeps while it drops other control characters. */
const KEPT_NEWLINES = new Set(['\n', '\v', '\f', '\r', '\x85', '\u2028', '\u2029']);
const CONTROL = /^\p{C}$/u;
/** Unicode categories that `textCollapse` drops: control (C), marks (M), punctuation (P). */
const COLLAPSE_DROP = /^[\p{C}\p{M}\p{P}]$/u;

/** Python `str.strip()`: trims Python whitespace from both ends. */
export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** Python `str.splitlines()`: splits on line breaks, with no empty last line for a trailing break. */
export function pySplitLines(text: string): string[] {
  const lines = text.split(PY_LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Cleans text for display: NFKC, control characters removed (newlines kept), runs of blank
 * lines reduced to one empty line, and the result stripped.
 */
export function textClean(text: string): string {
  let kept = '';
  for (const ch of text.normalize('NFKC')) if (!CONTROL.test(ch) || KEPT_NEWLINES.has(ch)) kept += ch;
  const result: string[] = [];
  let blank = 0;
  for (const line of pySplitLines(kept)) {
    if (pyStrip(line) === '') {
      if (blank < 1) result.push('');
      blank++;
    } else {
      result.push(line);
      blank = 0;
    }
  }
  return pyStrip(result.join('\n'));
}

/** Joins all whitespace-separated words with single spaces (Python `" ".join(text.split())`). */
export function textRemoveNewlines(text: string): string {
  return text.split(PY_SPACE_RUN).filter((w) => w !== '').join(' ');
}

/** Cuts text so its UTF-8 form is at most `nbytes`, dropping a split character, then strips it. */
export function textTrim(text: string, nbytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= nbytes) return pyStrip(text);
  let end = nbytes;
  // Step back over continuation bytes to the start of the character the cut splits.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return pyStrip(bytes.subarray(0, end).toString('utf8'));
}

/**
 * Simplifies text for similarity hashing: NFD, lower case, whitespace and control, mark and
 * punctuation characters removed, then NFKC.
 */
export function textCollapse(text: string): string {
  let kept = '';
  for (const ch of text.normalize('NFD').toLowerCase()) {
    if (!PY_SPACE_CHAR.test(ch) && !COLLAPSE_DROP.test(ch)) kept += ch;
  }
  return kept.normalize('NFKC');
}

/**
 * Windows of `width` code points advancing by one; a sequence shorter than the window yields
 * itself once (so even empty text yields one, empty, window).
 */
export function slidingWindow(codePoints: readonly string[], width: number): string[] {
  if (width < 2) throw new RangeError('sliding window width must be 2 or more');
  const count = Math.max(codePoints.length - width + 1, 1);
  const out: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = codePoints.slice(i, i + width).join('');
  return out;
}

/** Byte windows of `width` advancing by one; a shorter input yields itself once. */
export function slidingWindowBytes(data: Uint8Array, width: number): Uint8Array[] {
  if (width < 2) throw new RangeError('sliding window width must be 2 or more');
  const count = Math.max(data.length - width + 1, 1);
  const out: Uint8Array[] = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) out[i] = data.subarray(i, i + width);
  return out;
}
