/** How the bytes of an import file are turned into text. */
export type TextEncodingOption = 'utf-8' | 'gb18030' | 'auto';

/** The text of a file and the encoding it was read with. */
export type DecodedText = { text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' };

const startsWith = (bytes: Uint8Array, prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b);

function strictDecode(bytes: Uint8Array, encoding: DecodedText['encoding']): string | null {
  try {
    // TextDecoder drops a leading BOM by itself (ignoreBOM defaults to false).
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes file bytes: a BOM decides; otherwise strict UTF-8, and failing that GB18030 (a superset of
 * GBK and GB2312, which is what Excel on a Chinese Windows writes). Throws with an actionable message.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingOption = 'auto'): DecodedText {
  if (encoding === 'gb18030') {
    const text = strictDecode(bytes, 'gb18030');
    if (text === null) throw new Error('is not valid GB18030/GBK text; check the encoding setting');
    return { text, encoding: 'gb18030' };
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const utf16 = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = strictDecode(bytes, utf16);
    if (text === null) throw new Error(`starts with a ${utf16.toUpperCase()} byte-order mark but is not valid ${utf16.toUpperCase()}`);
    return { text, encoding: utf16 };
  }
  const utf8 = strictDecode(bytes, 'utf-8');
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  if (encoding === 'utf-8') throw new Error('is not valid UTF-8; re-save it as UTF-8 or set the encoding to "gb18030" or "auto"');
  const gb = strictDecode(bytes, 'gb18030');
  if (gb === null) throw new Error('is neither UTF-8 nor GB18030/GBK text; re-save it as UTF-8');
  return { text: gb, encoding: 'gb18030' };
}
