import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { formatBytes } from '../ingest.service.js';

/** The setting that lists the hosts downloads may come from, named in messages. */
export const URL_HOSTS_SETTING = 'WENYUAN_IMPORT_URL_HOSTS';

export interface UrlFetchOptions {
  /** `host` (the scheme's default port) or `host:port`, normalised as config.normaliseHost does. Empty: no downloads. */
  allowedHosts: readonly string[];
  /** Largest download accepted (the upload limit). */
  maxBytes: number;
  /** Longest wait for an answer, and for each next piece of the body (default 30 s). */
  timeoutMs?: number;
  /** Redirects followed, each checked against the allowed hosts (default 5). */
  maxRedirects?: number;
}

/** A download in progress. */
export interface Download {
  stream: Readable;
  /** A file name for the download: the last segment of the final URL's path. */
  name: string;
  /** The URL the bytes come from, after redirects. */
  url: string;
  /** The media type the server claims (the bytes decide; this only helps explain a wrong one). */
  contentType: string | null;
}

/** A download that was refused or failed; the message says why and what to do. */
export class UrlFetchError extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const hostOf = (url: URL): string => (url.port === '' ? url.hostname : `${url.hostname}:${url.port}`);

/** True when `url`'s host is listed: `host` allows the scheme's default port, `host:port` that port. */
export function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  if (url.port === '') return allowed.includes(url.hostname) || allowed.includes(`${url.hostname}:${url.protocol === 'https:' ? 443 : 80}`);
  return allowed.includes(`${url.hostname}:${url.port}`);
}

function nameFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter((s) => s !== '').pop();
  if (!last) return url.hostname;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'the connection was refused (is the server running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'ECONNRESET') return 'the server closed the connection';
  if (code.startsWith('ERR_TLS') || code.includes('CERT')) return `the server's TLS certificate was not accepted (${code})`;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Downloads record files over HTTP(S) from the hosts an administrator allows, and from nowhere
 * else: every redirect is followed by hand and checked like the first URL. Bodies are streamed
 * (the caller's blob store enforces the size limit as bytes arrive); a declared size over the limit
 * is refused before reading, and a server that stops sending is cut off after the timeout.
 */
export class UrlFetcher {
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;

  constructor(private readonly options: UrlFetchOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRedirects = options.maxRedirects ?? 5;
  }

  /** Why this URL may not be downloaded, or null when it may. */
  refusal(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'is not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `is not an http:// or https:// URL`;
    if (url.username !== '' || url.password !== '') return 'has a user name or password in it; such URLs are not downloaded';
    if (this.options.allowedHosts.length === 0) {
      return `downloads are off: ${URL_HOSTS_SETTING} lists no hosts; an administrator can allow this one with ${URL_HOSTS_SETTING}=${hostOf(url)}`;
    }
    if (!hostAllowed(url, this.options.allowedHosts)) {
      return `host ${hostOf(url)} is not allowed (${URL_HOSTS_SETTING}=${this.options.allowedHosts.join(',')}); an administrator can add it`;
    }
    return null;
  }

  /** Starts a download; throws UrlFetchError for a refused URL or redirect, an error answer, a timeout or an oversized body. */
  async open(raw: string): Promise<Download> {
    let current = raw;
    for (let hop = 0; ; hop++) {
      const refused = this.refusal(current);
      if (refused) throw new UrlFetchError(hop === 0 ? refused : `was redirected to ${current}, which is not downloaded: ${refused}`);
      const controller = new AbortController();
      let timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let response: Response;
      try {
        response = await fetch(current, { redirect: 'manual', signal: controller.signal, headers: { accept: '*/*', 'user-agent': 'Wenyuan-import' } });
      } catch (error) {
        clearTimeout(timer);
        if (controller.signal.aborted) throw new UrlFetchError(`${current} did not answer within ${this.seconds()}`);
        throw new UrlFetchError(`could not be downloaded from ${current}: ${networkReason(error)}`);
      }
      const discard = (): void => {
        clearTimeout(timer);
        void response.body?.cancel().catch(() => undefined);
      };
      if (REDIRECTS.has(response.status)) {
        discard();
        const location = response.headers.get('location');
        if (!location) throw new UrlFetchError(`${current} answered ${response.status} (a redirect) without saying where to`);
        if (hop >= this.maxRedirects) throw new UrlFetchError(`was redirected more than ${this.maxRedirects} times; give the final URL`);
        current = new URL(location, current).href;
        continue;
      }
      if (response.status !== 200) {
        discard();
        throw new UrlFetchError(`${current} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; check the URL`);
      }
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > this.options.maxBytes) {
        discard();
        throw new UrlFetchError(`${current} is ${formatBytes(declared)}, larger than the upload limit of ${formatBytes(this.options.maxBytes)}`);
      }
      if (!response.body) {
        discard();
        throw new UrlFetchError(`${current} answered without a body`);
      }
      // After the answer, the timeout applies to each pause between pieces of the body.
      const seconds = this.seconds();
      const timeoutMs = this.timeoutMs;
      const idle: Transform = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          clearTimeout(timer);
          timer = setTimeout(stall, timeoutMs);
          done(null, chunk);
        },
      });
      const stall = (): void => {
        idle.destroy(new UrlFetchError(`${current} stopped sending for ${seconds}; the download was abandoned`));
        controller.abort();
      };
      clearTimeout(timer);
      timer = setTimeout(stall, timeoutMs);
      const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
      const stream = pipeline(body, idle, () => clearTimeout(timer));
      const url = new URL(current);
      return { stream, name: nameFromUrl(url), url: current, contentType: response.headers.get('content-type') };
    }
  }

  private seconds(): string {
    const s = this.timeoutMs / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  }
}
