import { createContext, useCallback, useContext, useEffect, useState } from 'react';

/**
 * Whether pictures below the page's main image may load yet. A page whose largest paint is one
 * image (the home page's hero) closes the gate until that image has arrived, so on a slow phone
 * connection the cards further down do not share its bandwidth; their boxes and ThumbHash
 * placeholders are drawn meanwhile, so nothing moves when they come. Open everywhere else.
 */
export const ImageGate = createContext(true);

export function useImageGate(): boolean {
  return useContext(ImageGate);
}

/** How long the pictures below wait at most for the main image (a slow or failed one must not hold them back for good). */
const MAIN_IMAGE_WAIT_MS = 4000;

/**
 * For a page whose largest paint is one image: whether it is done (loaded, failed, or waited for
 * long enough), and the callback its <img> calls when it loads or fails. The page puts the first
 * in an `ImageGate` around the pictures below.
 */
export function useMainImageDone(): [done: boolean, markDone: () => void] {
  const [done, setDone] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setDone(true), MAIN_IMAGE_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);
  return [done, useCallback(() => setDone(true), [])];
}
