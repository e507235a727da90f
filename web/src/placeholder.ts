import { thumbHashToDataURL } from 'thumbhash';

const cache = new Map<string, string | null>();

/** Decodes a base64 ThumbHash into a tiny PNG data URL to paint while the real image loads. */
export function placeholderUrl(base64: string | null | undefined): string | null {
  if (!base64) return null;
  const hit = cache.get(base64);
  if (hit !== undefined) return hit;
  let url: string | null = null;
  try {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    url = thumbHashToDataURL(bytes);
  } catch {
    url = null;
  }
  cache.set(base64, url);
  return url;
}
