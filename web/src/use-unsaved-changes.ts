import { useCallback, useEffect, useRef } from 'react';
import { useBlocker, type Blocker, type BlockerFunction } from 'react-router';

/**
 * Guards a form with unsaved changes: in-app navigation to another page waits on the returned
 * blocker (the caller asks the question: `state === 'blocked'`, then `proceed()` or `reset()`),
 * and closing or reloading the tab gets the browser's own warning (its wording is the browser's).
 * `release()` lets the next navigation through at once, for one the form itself starts after
 * saving or deleting, before the new state has rendered.
 */
export function useUnsavedChanges(dirty: boolean): { blocker: Blocker; release: () => void } {
  const dirtyRef = useRef(dirty);
  useEffect(() => {
    dirtyRef.current = dirty;
  }, [dirty]);

  // A change of hash (a link within the page) is not leaving.
  const shouldBlock = useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) => dirtyRef.current && (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
    [],
  );
  const blocker = useBlocker(shouldBlock);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers ask only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // Saved or discarded while the question was open: nothing is lost by going on.
  useEffect(() => {
    if (blocker.state === 'blocked' && !dirty) blocker.proceed();
  }, [blocker, dirty]);

  const release = useCallback(() => {
    dirtyRef.current = false;
  }, []);
  return { blocker, release };
}
