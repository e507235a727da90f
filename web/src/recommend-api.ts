/**
 * The recommender's endpoints (issue 13) as the web client calls them. The shapes are the
 * server's contract (src/discover/recommend/recommend.contract.ts), as generated into api-schema.ts.
 */
import { CSRF_HEADERS, request } from './api';
import type { components } from './api-schema';

type Schemas = components['schemas'];

export type RecommendationFeed = Schemas['RecommendationFeed'];
export type RecommendationItem = RecommendationFeed['items'][number];
export type RecommendationReason = Schemas['RecommendationReason'];
export type RecommendationMode = RecommendationFeed['mode'];
export type MoreLikeThis = Schemas['MoreLikeThis'];
export type RecommendationConsent = Schemas['RecommendationConsent'];
export type RecommendationCuratorView = Schemas['RecommendationCuratorView'];
export type SignalKind = Schemas['RecommendationSignal']['kind'];

export interface FeedRequest {
  mode: RecommendationMode;
  /** 0 = familiar … 1 = explore. */
  slider: number;
  limit?: number;
  /** Works already shown, for "show me something different". */
  exclude?: readonly string[];
  seed?: number;
}

/** The query string of a feed request (only what differs from the server's defaults is left out). */
export function feedQuery(r: FeedRequest): string {
  const params = new URLSearchParams({ mode: r.mode, slider: String(r.slider) });
  if (r.limit !== undefined) params.set('limit', String(r.limit));
  if (r.exclude && r.exclude.length > 0) params.set('exclude', r.exclude.join(','));
  if (r.seed !== undefined) params.set('seed', String(r.seed));
  return params.toString();
}

const enc = encodeURIComponent;

export const recommendApi = {
  feed: (r: FeedRequest) => request<RecommendationFeed>('GET', '/recommendations?' + feedQuery(r)),
  moreLikeThis: (workId: string) => request<MoreLikeThis>('GET', `/works/${enc(workId)}/recommendations`),
  consent: () => request<RecommendationConsent>('GET', '/recommendations/consent'),
  setConsent: (consented: boolean) => request<RecommendationConsent>('PUT', '/recommendations/consent', { consented }),
  signal: (workId: string, kind: SignalKind, seconds?: number) =>
    request<{ recorded: boolean }>('POST', '/recommendations/signals', seconds === undefined ? { workId, kind } : { workId, kind, seconds }),
  curator: () => request<RecommendationCuratorView>('GET', '/recommendations/curator'),
  savePicks: (workIds: string[]) => request<RecommendationCuratorView>('PUT', '/recommendations/picks', { workIds }),
  rebuild: () => request<{ queued: true }>('POST', '/recommendations/rebuild', {}),
};

/**
 * Sends a signal that must survive the page going away (dwell time on leaving). sendBeacon cannot
 * carry the CSRF header, so this is a keepalive fetch with it; failures are dropped (a lost signal
 * costs nothing).
 */
export function sendSignalOnLeave(workId: string, kind: SignalKind, seconds?: number): void {
  try {
    void fetch('/api/recommendations/signals', {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { ...CSRF_HEADERS, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(seconds === undefined ? { workId, kind } : { workId, kind, seconds }),
    }).catch(() => undefined);
  } catch {
    // fetch itself may throw while the page unloads; nothing to do.
  }
}

/** The server takes at most this many characters of excluded ids. */
const EXCLUDE_CHARS = 48 * 40;

/**
 * The ids to exclude, newest last and as many as the server's `exclude` takes, without repeats:
 * "something different" keeps away from what was shown most recently.
 */
export function excludeList(ids: readonly string[]): string[] {
  const kept: string[] = [];
  let chars = 0;
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i]!;
    if (kept.includes(id)) continue;
    if (chars + id.length + 1 > EXCLUDE_CHARS + 1) break;
    kept.unshift(id);
    chars += id.length + 1;
  }
  return kept;
}

/** A new seed for the random part of the general mode. */
export const newSeed = (): number => Math.floor(Math.random() * 2 ** 31);
