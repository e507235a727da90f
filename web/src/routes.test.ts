import { isValidElement } from 'react';
import { matchRoutes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { RequireRole } from './components/RequireRole';
import { routes } from './routes';

/** The route a URL lands on (as its path pattern), its params, and the roles that guard it (null: public). */
function resolve(url: string) {
  const matches = matchRoutes(routes, url) ?? [];
  const pattern = '/' + matches.map((m) => m.route.path?.replace(/^\//, '')).filter(Boolean).join('/');
  const guard = matches.map((m) => m.route.element).find((e) => isValidElement(e) && e.type === RequireRole);
  return { pattern, params: matches.at(-1)?.params ?? {}, roles: isValidElement<{ roles: readonly string[] }>(guard) ? [...guard.props.roles] : null };
}

describe('the route table', () => {
  // Every URL people and tests have bookmarked since before React Router, with who may see it.
  const bookmarked: [url: string, pattern: string, roles: string[] | null][] = [
    ['/', '/', null],
    // The catalogue moved to /works; the home page sends these on (HomePage).
    ['/?q=%E6%BA%AA%E5%B1%B1&industry=02&page=3', '/', null],
    ['/works?q=%E6%BA%AA%E5%B1%B1&industry=02&page=3', '/works', null],
    ['/works/01m94jqr016y7tp6syftn3akcx', '/works/:id', null],
    ['/verify?registration=abc', '/verify', null],
    ['/registry/certificates/abc', '/registry/certificates/:id', null],
    ['/login?next=%2Fadmin', '/login', null],
    ['/account', '/account', []],
    ['/upload', '/upload', ['admin', 'curator', 'creator']],
    ['/scan', '/scan', ['admin', 'curator', 'creator']],
    ['/evidence', '/evidence', ['admin', 'curator', 'creator']],
    ['/evidence/ev-1', '/evidence/:id', ['admin', 'curator', 'creator']],
    ['/collections', '/collections', ['admin', 'curator']],
    ['/home/edit', '/home/edit', ['admin', 'curator']],
    ['/admin?jobs=failed&jobsPage=2', '/admin', ['admin', 'curator']],
    ['/setup?next=%2Fadmin', '/setup', ['admin']],
    ['/browse/time', '/browse/time', null],
    ['/browse/map', '/browse/map', null],
    ['/for-you', '/for-you', null],
    ['/recommendations/curate', '/recommendations/curate', ['admin', 'curator']],
  ];
  it.each(bookmarked)('serves %s as %s', (url, pattern, roles) => {
    const found = resolve(url);
    expect(found.pattern).toBe(pattern);
    expect(found.roles).toEqual(roles);
  });

  it('decodes ids as the old router did', () => {
    expect(resolve('/works/a%2Fb').params.id).toBe('a/b');
    expect(resolve('/registry/certificates/%E6%96%87').params.id).toBe('文');
  });

  it('sends anything else to "not found", inside the site layout', () => {
    for (const url of ['/works/a/b', '/registry', '/api-docs', '/nope/nope']) expect(resolve(url).pattern, url).toBe('/*');
  });
});
