import { describe, expect, it } from 'vitest';
import { effectivePolicy, fileAccess, policyForRights } from './download-policy.js';

describe('download policy', () => {
  it.each([
    ['https://creativecommons.org/publicdomain/zero/1.0/', 'master'],
    ['http://creativecommons.org/publicdomain/mark/1.0/', 'master'],
    ['https://creativecommons.org/licenses/by-nc/4.0/', 'master'],
    ['http://rightsstatements.org/vocab/NoC-US/1.0/', 'master'],
    ['http://rightsstatements.org/vocab/InC/1.0/', 'display'],
    ['http://rightsstatements.org/vocab/NoC-CR/1.0/', 'display'],
    ['http://rightsstatements.org/vocab/UND/1.0/', 'display'],
    ['https://example.org/creativecommons.org/publicdomain/zero/1.0/', 'display'],
    [null, 'display'],
  ])('%s → %s by default', (uri, policy) => {
    expect(policyForRights(uri)).toBe(policy);
  });

  it('takes the work’s override, then the collection’s, then the rights', () => {
    expect(effectivePolicy({ work: 'none', collection: 'master', rightsUri: null })).toEqual({ policy: 'none', source: 'work' });
    expect(effectivePolicy({ work: null, collection: 'master', rightsUri: null })).toEqual({ policy: 'master', source: 'collection' });
    expect(effectivePolicy({ work: null, collection: null, rightsUri: 'https://creativecommons.org/publicdomain/zero/1.0/' })).toEqual({ policy: 'master', source: 'rights' });
  });

  it('gives managers the master, and files without a display copy only for viewing', () => {
    expect(fileAccess('none', true, { isImage: true, hasDisplayCopy: true })).toEqual({ master: 'download', download: 'master' });
    expect(fileAccess('display', false, { isImage: true, hasDisplayCopy: true })).toEqual({ master: 'denied', download: 'display' });
    expect(fileAccess('display', false, { isImage: false, hasDisplayCopy: false })).toEqual({ master: 'inline', download: null });
    expect(fileAccess('none', false, { isImage: false, hasDisplayCopy: false })).toEqual({ master: 'inline', download: null });
    expect(fileAccess('none', false, { isImage: true, hasDisplayCopy: true })).toEqual({ master: 'denied', download: null });
  });

  it('never falls back to an image’s master while its display copy is still being made', () => {
    expect(fileAccess('display', false, { isImage: true, hasDisplayCopy: false })).toEqual({ master: 'denied', download: null });
    expect(fileAccess('none', false, { isImage: true, hasDisplayCopy: false })).toEqual({ master: 'denied', download: null });
    expect(fileAccess('master', false, { isImage: true, hasDisplayCopy: false })).toEqual({ master: 'download', download: 'master' });
  });
});
