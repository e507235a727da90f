/**
 * The review endpoints (issue 15): the queue, decisions, appeals, reports, workload, settings and
 * notifications. The shapes are the server's contract (src/review/review.contract.ts), generated
 * into api-schema.ts.
 */
import { request } from './api';
import type { components } from './api-schema';

export type ReviewItem = components['schemas']['ReviewItem'];
export type ReviewQueuePage = components['schemas']['ReviewQueuePage'];
export type ReviewWorkload = components['schemas']['ReviewWorkload'];
export type ReviewSettings = components['schemas']['ReviewSettings'];
export type ReviewReason = components['schemas']['ReviewReason'];
export type ReviewDecision = components['schemas']['ReviewDecision'];
export type ReviewNotification = components['schemas']['Notification'];
export type WorkReview = components['schemas']['WorkReview'];

const enc = encodeURIComponent;

export interface QueueFilter {
  kind?: 'submission' | 'report';
  state?: 'open' | 'decided';
  mine?: boolean;
  after?: string;
}

export const reviewApi = {
  queue: (filter: QueueFilter) => {
    const q = new URLSearchParams();
    if (filter.kind) q.set('kind', filter.kind);
    if (filter.state) q.set('state', filter.state);
    if (filter.mine) q.set('mine', '1');
    if (filter.after) q.set('after', filter.after);
    return request<ReviewQueuePage>('GET', `/review/items${q.size > 0 ? `?${q.toString()}` : ''}`);
  },
  item: (id: string) => request<ReviewItem>('GET', `/review/items/${enc(id)}`),
  claim: (id: string) => request<ReviewItem>('POST', `/review/items/${enc(id)}/claim`, {}),
  release: (id: string) => request<ReviewItem>('POST', `/review/items/${enc(id)}/release`, {}),
  decide: (id: string, decision: { decision: ReviewDecision; reasonCode?: string | null; reasonText?: string | null }) => request<ReviewItem>('POST', `/review/items/${enc(id)}/decision`, decision),
  appeal: (id: string, text: string) => request<ReviewItem>('POST', `/review/items/${enc(id)}/appeal`, { text }),
  mine: () => request<{ items: ReviewItem[] }>('GET', '/review/mine'),
  report: (workId: string, reasonCode: string, details: string) => request<{ caseId: string; merged: boolean }>('POST', `/works/${enc(workId)}/reports`, { reasonCode, details }),
  workload: () => request<ReviewWorkload>('GET', '/review/workload'),
  settings: () => request<ReviewSettings>('GET', '/review/settings'),
  saveSettings: (settings: ReviewSettings) => request<ReviewSettings>('PUT', '/review/settings', settings),
  reasons: () => request<{ items: ReviewReason[] }>('GET', '/review/reasons'),
  saveReason: (code: string, reason: { label: { 'zh-Hans': string; en: string }; appliesTo: ReviewReason['appliesTo']; retired: boolean }) => request<ReviewReason>('PUT', `/review/reasons/${enc(code)}`, reason),
  notifications: () => request<{ items: ReviewNotification[]; unread: number }>('GET', '/notifications'),
  markRead: (ids?: string[]) => request<{ ok: true }>('POST', '/notifications/read', ids ? { ids } : {}),
  email: () => request<{ email: string | null; mailConfigured: boolean }>('GET', '/notifications/email'),
  setEmail: (email: string | null) => request<{ email: string | null; mailConfigured: boolean }>('PUT', '/notifications/email', { email }),
};

export const reviewItemPath = (id: string) => `/review/items/${enc(id)}`;
