import { isValidElement } from 'react';
import { matchRoutes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { RequireRole } from '../../components/RequireRole';
import { routes } from '../../routes';

/** The path pattern a URL lands on and the roles that guard it (null: public). */
function resolve(url: string) {
  const matches = matchRoutes(routes, url) ?? [];
  const pattern = '/' + matches.map((m) => m.route.path?.replace(/^\//, '')).filter(Boolean).join('/');
  const guard = matches.map((m) => m.route.element).find((e) => isValidElement(e) && e.type === RequireRole);
  return { pattern, params: matches.at(-1)?.params ?? {}, roles: isValidElement<{ roles: readonly string[] }>(guard) ? [...guard.props.roles] : null };
}

describe('exhibition routes', () => {
  it.each([
    ['/exhibitions', '/exhibitions', null],
    ['/exhibitions/dunhuang-cave-45', '/exhibitions/:slug', null],
    ['/exhibitions/dunhuang-cave-45#s-intro', '/exhibitions/:slug', null],
    ['/exhibitions/new', '/exhibitions/new', ['admin', 'curator']],
    ['/exhibitions/dunhuang-cave-45/edit', '/exhibitions/:slug/edit', ['admin', 'curator']],
  ])('serves %s as %s', (url, pattern, roles) => {
    const found = resolve(url);
    expect(found.pattern).toBe(pattern);
    expect(found.roles).toEqual(roles);
  });

  it('hands the reader and the editor the slug', () => {
    expect(resolve('/exhibitions/cave-45').params.slug).toBe('cave-45');
    expect(resolve('/exhibitions/cave-45/edit').params.slug).toBe('cave-45');
  });
});
