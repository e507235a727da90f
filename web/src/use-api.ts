import { useCallback, useEffect, useState } from 'react';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replaces the data in place, e.g. with a PATCH response. */
  setData: (data: T) => void;
}

interface Loaded<T> {
  data: T | undefined;
  /** The key the data was loaded for. */
  dataKey: string | null;
  error: unknown;
  loading: boolean;
}

/**
 * Runs `load` whenever `key` changes and keeps only the latest answer, so a slow response for an
 * old query never overwrites a newer one. With `keepStale`, the previous key's data stays visible
 * while the next loads (the catalogue does not flash empty between pages).
 */
export function useApi<T>(load: () => Promise<T>, key: string, keepStale = false): ApiState<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, dataKey: null, error: null, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, dataKey: key, error: null, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure on every render; `key` says when it means something new.
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((data: T) => setState({ data, dataKey: key, error: null, loading: false }), [key]);
  const data = keepStale || state.dataKey === key ? state.data : undefined;
  return { data, error: state.error, loading: state.loading || (state.dataKey !== key && !state.error), reload, setData };
}
