import { request } from '../../api';
import type { components } from '../../api-schema';

type Schemas = components['schemas'];

/** What a bulk operation does to each work (publish, file, rights, classification). */
export type BulkAction = Schemas['BulkAction'];
/** A bulk operation with its progress (GET /api/bulk-operations/:id adds the first problems). */
export type BulkOperation = Schemas['BulkOperation'];
export type BulkOperationDetail = Schemas['BulkOperationDetail'];
export type BulkProblem = Schemas['BulkProblem'];

/** Which works: explicit ids, or every result of a catalogue search (its GET /api/works parameters). */
export type BulkTarget = { ids: string[] } | { query: Record<string, string | string[]> };

/** The bulk-operation endpoints (admins and curators). */
export const bulkApi = {
  submit: (target: BulkTarget, action: BulkAction) => request<{ operation: BulkOperationDetail }>('POST', '/works/bulk', { ...target, action }),
  operation: (id: string) => request<BulkOperationDetail>('GET', `/bulk-operations/${encodeURIComponent(id)}`),
  list: () => request<{ items: BulkOperation[] }>('GET', '/bulk-operations'),
  undo: (id: string) => request<{ operation: BulkOperationDetail }>('POST', `/bulk-operations/${encodeURIComponent(id)}/undo`),
};

/** A search's parameters as a bulk selection: the filters and words, without page, page size or order. */
export function queryOfSearch(apiQuery: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(apiQuery)) {
    if (key === 'page' || key === 'pageSize' || key === 'sort' || !value) continue;
    const had = out[key];
    out[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return out;
}

/** The operation's id and what it did, when a version's note was written by a bulk operation ("bulk operation <id>: publish"). */
export function parseBulkNote(note: string | null): { operationId: string; label: string } | null {
  const match = note ? /^bulk operation (\S+): (.+)$/.exec(note) : null;
  return match ? { operationId: match[1]!, label: match[2]! } : null;
}
