import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { absoluteUrl, isLocalAddress, parsePublicUrl, registryOriginProblem, suggestRegistryOrigin } from './public-url.js';

describe('parsePublicUrl', () => {
  it.each([
    ['https://museum.example', 'https://museum.example'],
    ['https://museum.example/', 'https://museum.example'],
    ['  HTTP://Museum.Example:8080/archive/ ', 'http://museum.example:8080/archive'],
    ['https://博物馆.example', 'https://xn--9krs63ej00a.example'],
  ])('%s → %s', (given, url) => {
    expect(parsePublicUrl(given)).toEqual({ url });
  });

  it.each([
    ['museum.example', 'is not a URL'],
    ['ftp://museum.example', 'must start with http:// or https://'],
    ['https://user:secret@museum.example', 'user name or password'],
    ['https://museum.example/?a=1', 'query'],
    ['https://museum.example/#top', 'fragment'],
  ])('refuses %s', (given, problem) => {
    const parsed = parsePublicUrl(given);
    expect('problem' in parsed && parsed.problem).toContain(problem);
  });
});

describe('registryOriginProblem', () => {
  it('accepts schema-less URLs', () => {
    for (const origin of ['museum.example/registry', '127.0.0.1:8080/registry', 'xn--9krs63ej00a.example/log']) expect(registryOriginProblem(origin)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['https://museum.example/registry', 'scheme'],
    ['museum example/registry', 'without spaces'],
    ['博物馆.example/registry', 'printable ASCII'],
    ['museum.example/a+b', '"+"'],
    ['m'.repeat(256), 'longer than 255'],
  ])('refuses %j', (origin, problem) => {
    expect(registryOriginProblem(origin)).toContain(problem);
  });
});

describe('suggestRegistryOrigin and absoluteUrl', () => {
  it('proposes the public URL’s host and path + /registry', () => {
    expect(suggestRegistryOrigin('https://museum.example')).toBe('museum.example/registry');
    expect(suggestRegistryOrigin('http://127.0.0.1:8080/archive/')).toBe('127.0.0.1:8080/archive/registry');
    expect(suggestRegistryOrigin('not a url')).toBeNull();
  });

  it('joins a site path to the public URL', () => {
    expect(absoluteUrl('https://museum.example', '/verify?registration=a')).toBe('https://museum.example/verify?registration=a');
    expect(absoluteUrl('https://museum.example/archive/', 'api/x')).toBe('https://museum.example/archive/api/x');
  });
});

describe('WENYUAN_PUBLIC_URL and WENYUAN_REGISTRY_ORIGIN', () => {
  it('are normalised, and optional', () => {
    expect(loadConfig({}, { WENYUAN_PUBLIC_URL: 'https://museum.example/', WENYUAN_REGISTRY_ORIGIN: 'museum.example/registry' })).toMatchObject({ publicUrl: 'https://museum.example', registryOrigin: 'museum.example/registry' });
    const config = loadConfig({}, {});
    expect(config.publicUrl).toBeUndefined();
    expect(config.registryOrigin).toBeUndefined();
  });

  it('name the variable and the problem when wrong', () => {
    expect(() => loadConfig({}, { WENYUAN_PUBLIC_URL: 'museum.example' })).toThrow(/WENYUAN_PUBLIC_URL: "museum.example" is not a URL.*http:\/\/ or https:\/\//);
    expect(() => loadConfig({}, { WENYUAN_PUBLIC_URL: 'ftp://museum.example' })).toThrow(/WENYUAN_PUBLIC_URL: "ftp:\/\/museum.example" must start with http:\/\/ or https:\/\//);
    expect(() => loadConfig({}, { WENYUAN_REGISTRY_ORIGIN: 'https://museum.example/registry' })).toThrow(/WENYUAN_REGISTRY_ORIGIN: .*must not start with a scheme/);
  });
});

describe('isLocalAddress', () => {
  it.each([
    ['http://localhost:8080', true],
    ['http://127.0.0.1:18555', true],
    ['http://[::1]:8080/', true],
    ['http://app.localhost', true],
    ['https://museum.example', false],
    ['http://192.168.1.20:8080', false],
    ['not a url', false],
  ])('%s → %s', (url, local) => {
    expect(isLocalAddress(url)).toBe(local);
  });
});
