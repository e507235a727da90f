import { z } from 'zod';

/** The shapes of passkeys (WebAuthn): one's passkeys, the ceremonies' options and the browser's answers. */
export const passkeySchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .meta({ id: 'Passkey' });

/** What the browser's WebAuthn call takes (as @simplewebauthn/browser's `optionsJSON`). */
export const passkeyOptionsSchema = z
  .object({ options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON') })
  .meta({ id: 'PasskeyOptions' });

const b64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'must be base64url');

const credentialBase = {
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

/** The browser's answer to the registration options (RegistrationResponseJSON). */
export const passkeyRegistrationSchema = z
  .object({
    ...credentialBase,
    response: z.object({
      clientDataJSON: b64url(16_384),
      attestationObject: b64url(65_536),
      transports: z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8).optional(),
    }),
  })
  .meta({ id: 'PasskeyRegistrationResponse' });

/** The browser's answer to the sign-in options (AuthenticationResponseJSON). */
export const passkeyAuthenticationSchema = z
  .object({
    ...credentialBase,
    response: z.object({
      clientDataJSON: b64url(16_384),
      authenticatorData: b64url(16_384),
      signature: b64url(4096),
      userHandle: b64url(1024).optional(),
    }),
  })
  .meta({ id: 'PasskeyAuthenticationResponse' });
