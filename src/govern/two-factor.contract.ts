import { z } from 'zod';

/** The shapes of strong sign-in: two-factor status and enrolment, the sign-in challenge, one's sessions, the admins' rule. */
export const twoFactorStatusSchema = z
  .object({
    enabled: z.boolean(),
    pending: z.boolean().describe('an enrolment waits for its first code'),
    recoveryCodesLeft: z.number().int(),
    required: z.boolean().describe("the instance requires two-factor sign-in for this account's role"),
    hasPasskey: z.boolean().describe('a passkey is registered: it satisfies the requirement too'),
  })
  .meta({ id: 'TwoFactorStatus' });

export const totpEnrolmentSchema = z
  .object({ secret: z.string().describe('base32, for typing into the app'), uri: z.string().describe('otpauth:// URI, for a QR code') })
  .meta({ id: 'TotpEnrolment' });

export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()).describe('shown this once; each signs in once') }).meta({ id: 'RecoveryCodes' });

export const mfaChallengeSchema = z
  .object({
    mfaRequired: z.literal(true),
    challenge: z.string().describe('send with a code to /auth/login/mfa, or with a passkey answer to /auth/passkey, within 5 minutes; single use'),
    factors: z.array(z.enum(['totp', 'passkey'])).describe('the second factors this account can use'),
  })
  .meta({ id: 'MfaChallenge' });

export const accountSessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    expiresAt: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable().describe('shown only to the owner'),
    current: z.boolean().describe('the session making this request'),
  })
  .meta({ id: 'AccountSession' });

export const twoFactorPolicySchema = z.object({ roles: z.array(z.enum(['admin', 'curator'])) }).meta({ id: 'TwoFactorPolicy' });
