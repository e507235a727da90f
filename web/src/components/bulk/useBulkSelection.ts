import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CardSelection } from '../WorkResults';
import { queryOfSearch, type BulkTarget } from './bulk-api';

export interface BulkSelection extends CardSelection {
  /** `ids`: the works ticked one by one (across pages); `all`: every result of the current search. */
  mode: 'ids' | 'all';
  /** How many works the selection holds (in `all` mode, the search's total). */
  count: number;
  /** Ticks every work of the current page. */
  selectPage(): void;
  /** Selects every result of the current search: the server resolves the search when the operation starts. */
  selectAll(): void;
  clear(): void;
  /** What POST /api/works/bulk is sent, or null when nothing is selected. */
  target(): BulkTarget | null;
}

/**
 * The works a staff member has selected in the catalogue. Ticked works stay selected across pages
 * and searches; "all N results" belongs to one search and ends when the search changes.
 * `apiQuery`: the catalogue's GET /api/works query string; `total`: its number of results;
 * `pageIds`: the works shown now.
 */
export function useBulkSelection(apiQuery: string, total: number, pageIds: readonly string[]): BulkSelection {
  const [ids, setIds] = useState<ReadonlySet<string>>(() => new Set());
  const [allOf, setAllOf] = useState<string | null>(null);
  const search = useMemo(() => JSON.stringify(queryOfSearch(apiQuery)), [apiQuery]);
  const all = allOf !== null && allOf === search;

  useEffect(() => {
    if (allOf !== null && allOf !== search) setAllOf(null);
  }, [allOf, search]);

  const onChange = useCallback(
    (workId: string, selected: boolean) => {
      if (all) {
        // Unticking one work of "all results": the rest of this page stays selected, one by one.
        setAllOf(null);
        setIds(new Set(pageIds.filter((id) => id !== workId || selected)));
        return;
      }
      setIds((current) => {
        const next = new Set(current);
        if (selected) next.add(workId);
        else next.delete(workId);
        return next;
      });
    },
    [all, pageIds],
  );

  return {
    mode: all ? 'all' : 'ids',
    count: all ? total : ids.size,
    isSelected: (workId) => all || ids.has(workId),
    onChange,
    selectPage: () => {
      setAllOf(null);
      setIds((current) => new Set([...(all ? [] : current), ...pageIds]));
    },
    selectAll: () => setAllOf(search),
    clear: () => {
      setAllOf(null);
      setIds(new Set());
    },
    target: () => (all ? { query: JSON.parse(search) as Record<string, string | string[]> } : ids.size > 0 ? { ids: [...ids] } : null),
  };
}
