import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software WebAuthn authenticator for tests: ES256 keys from node:crypto, authenticator data and
 * a `none` attestation built by hand (CBOR by the library's own encoder), so the server's checks
 * run against real ceremonies. Each answer can be bent (another origin, another RP ID, an old
 * counter, no user verification) to test the refusals.
 */

export interface CeremonyOptions {
  challenge: string;
  rp?: { id?: string };
  rpId?: string;
  user?: { id: string };
  allowCredentials?: { id: string }[];
}

export interface Bend {
  origin?: string;
  rpId?: string;
  /** The counter to sign with (default: one more than the last). */
  counter?: number;
  /** User verified (default true). */
  uv?: boolean;
  credentialId?: string;
  challenge?: string;
  type?: string;
}

interface Credential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Buffer | Uint8Array): string => Buffer.from(data).toString('base64url');

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(private readonly defaults: { origin: string; rpId: string }) {}

  /** Answers registration options (navigator.credentials.create) with a new ES256 credential. */
  create(options: CeremonyOptions, bend: Bend = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const id = randomBytes(32);
    const counter = bend.counter ?? 0;
    const rpId = bend.rpId ?? options.rp?.id ?? this.defaults.rpId;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([this.head(rpId, counter, bend.uv ?? true, true), Buffer.alloc(16), idLength, id, Buffer.from(cose)]);
    const attestationObject = isoCBOR.encode(new Map<string, string | Map<string, string> | Uint8Array>([['fmt', 'none'], ['attStmt', new Map<string, string>()], ['authData', new Uint8Array(authData)]]));
    const clientDataJSON = this.clientData(bend.type ?? 'webauthn.create', bend.challenge ?? options.challenge, bend.origin);
    const credential = { id: b64url(id), privateKey, userHandle: options.user?.id ?? '', counter };
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal' as const] },
    };
  }

  /** Answers sign-in options (navigator.credentials.get) with the first allowed credential, or the newest. */
  get(options: CeremonyOptions, bend: Bend = {}) {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const credential = bend.credentialId
      ? this.credentials.find((c) => c.id === bend.credentialId)
      : allowed.length > 0
        ? this.credentials.find((c) => allowed.includes(c.id))
        : this.credentials.at(-1);
    if (!credential) throw new Error('the soft authenticator has no credential for these options');
    const counter = bend.counter ?? credential.counter + 1;
    credential.counter = Math.max(credential.counter, counter);
    const authData = this.head(bend.rpId ?? options.rpId ?? this.defaults.rpId, counter, bend.uv ?? true, false);
    const clientDataJSON = this.clientData(bend.type ?? 'webauthn.get', bend.challenge ?? options.challenge, bend.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle || undefined },
    };
  }

  private head(rpId: string, counter: number, uv: boolean, attested: boolean): Buffer {
    const flags = 0x01 | (uv ? 0x04 : 0) | (attested ? 0x40 : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }

  private clientData(type: string, challenge: string, origin?: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: origin ?? this.defaults.origin, crossOrigin: false }), 'utf8');
  }
}
