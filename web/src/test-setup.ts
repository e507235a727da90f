import { expect } from 'vitest';

// The web's unit tests format with every namespace; the running interface fetches the lazy ones
// after the first page (locales/runtime.ts), so they are loaded here before a web test starts.
if (expect.getState().testPath?.includes('/web/src/')) {
  const { loadLazyMessages } = await import('./locales/runtime');
  await Promise.all([loadLazyMessages('en'), loadLazyMessages('zh-Hans')]);
}
