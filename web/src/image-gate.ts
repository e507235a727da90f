import { createContext, useContext } from 'react';

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
