/**
 * How this instance names itself to the outside world: its public URL (the base of every absolute
 * link it makes — certificates and their QR codes, receipt links, later IIIF manifests and emails)
 * and its transparency log's origin. Pure, so the server, the CLI and the web client share it.
 */

/** The public URL normalised (`https://museum.example`, or with a path prefix; no trailing slash), or why it is not one. */
export function parsePublicUrl(text: string): { url: string } | { problem: string } {
  const given = text.trim();
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return { problem: `"${given}" is not a URL; give the full address people use, like https://museum.example` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `"${given}" must start with http:// or https://, like https://museum.example` };
  if (url.username || url.password) return { problem: `"${given}" must not contain a user name or password` };
  if (url.search || url.hash) return { problem: `"${given}" must not have a query (?…) or fragment (#…)` };
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/**
 * Why `origin` cannot name a transparency log, or null. A C2SP origin is a schema-less URL
 * (`museum.example/registry`): printable ASCII, no spaces, and no "+" (it is also the key's name).
 */
export function registryOriginProblem(origin: string): string | null {
  if (origin === '') return 'is empty; write it like museum.example/registry';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(origin)) return `"${origin}" must not start with a scheme such as https://; write it like museum.example/registry`;
  if (!/^[\x21-\x7e]+$/.test(origin)) return `"${origin}" must be printable ASCII without spaces, like museum.example/registry`;
  if (origin.includes('+')) return `"${origin}" must not contain "+"`;
  if (origin.length > 255) return 'is longer than 255 characters';
  return null;
}

/** The log origin setup proposes for a public URL: its host (and path) followed by `/registry`; null for no URL. */
export function suggestRegistryOrigin(publicUrl: string): string | null {
  const parsed = parsePublicUrl(publicUrl);
  if ('problem' in parsed) return null;
  const url = new URL(parsed.url);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/registry`;
}

/** `path` (from the site's root, e.g. `/verify?registration=…`) as an absolute URL under the public URL `base`. */
/** Whether a URL names this machine only (localhost, 127.x, ::1, 0.0.0.0): fine for a trial, wrong for visitors. */
export function isLocalAddress(url: string): boolean {
  try {
    const host = new URL(url.trim()).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]' || host === '0.0.0.0';
  } catch {
    return false;
  }
}

export function absoluteUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Absolute links to this instance, for every module that writes a link meant to be used outside the
 * page it appears on (a receipt in a scan result, an email, a IIIF manifest). Modules take this as a
 * port; the instance module implements it from the public URL set at setup or by WENYUAN_PUBLIC_URL.
 */
export interface PublicLinks {
  /** The public URL without a trailing slash, or null before setup (and without WENYUAN_PUBLIC_URL). */
  publicUrl(): Promise<string | null>;
  /** `path` under the public URL; the bare path while there is none, so a link is never made to a wrong host. */
  absolute(path: string): Promise<string>;
}
