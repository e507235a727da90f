import { describe, expect, it } from 'vitest';
import { relyingPartyOf } from './passkey.service.js';

describe('relyingPartyOf', () => {
  it('binds passkeys to the public URL: its host is the RP ID, its origin the only origin', () => {
    expect(relyingPartyOf('https://museum.example/wenyuan')).toEqual({ rpId: 'museum.example', origin: 'https://museum.example' });
    expect(relyingPartyOf('http://localhost:8080')).toEqual({ rpId: 'localhost', origin: 'http://localhost:8080' });
  });

  it('has none without a public URL, or with an IP address (browsers refuse it as an RP ID)', () => {
    expect(relyingPartyOf(null)).toBeNull();
    expect(relyingPartyOf('http://127.0.0.1:8080')).toBeNull();
    expect(relyingPartyOf('http://[::1]:8080')).toBeNull();
    expect(relyingPartyOf('not a url')).toBeNull();
  });
});
