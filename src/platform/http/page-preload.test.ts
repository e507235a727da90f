import { describe, expect, it } from 'vitest';
import { pagePreloadHeader } from './server.js';

const preloads = [
  { page: /^\/$/, api: () => '/api/showcase/home' },
  { page: /^\/works\/([^/]+)$/, api: (m: RegExpExecArray) => `/api/works/${encodeURIComponent(decodeURIComponent(m[1]!))}` },
  { page: /^\/evil\/(.*)$/, api: (m: RegExpExecArray) => m[1]! },
];

describe('the preload header of a page', () => {
  it('names the API answer the page fetches first, matched on the path without its query', () => {
    expect(pagePreloadHeader('/', preloads)).toBe('</api/showcase/home>; rel=preload; as=fetch; crossorigin');
    expect(pagePreloadHeader('/?q=1', preloads)).toBe('</api/showcase/home>; rel=preload; as=fetch; crossorigin');
    expect(pagePreloadHeader('/works/a%20b', preloads)).toBe('</api/works/a%20b>; rel=preload; as=fetch; crossorigin');
    expect(pagePreloadHeader('/works', preloads)).toBeNull();
  });

  it('names nothing for a malformed escape or a path that is not a same-origin API path', () => {
    expect(pagePreloadHeader('/works/%E0%A4%A', preloads)).toBeNull();
    expect(pagePreloadHeader('/evil/https://elsewhere.example/x', preloads)).toBeNull();
    expect(pagePreloadHeader('/evil//api/x>; rel=stylesheet', preloads)).toBeNull();
  });
});
