import type { SchemaObject } from '@nestjs/swagger';
import { requestSchema } from '../http/schema-validation';

export interface MfaCodeBody {
  code: string;
}

export const mfaCodeBody = requestSchema<MfaCodeBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['code'],
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 16, description: 'the current authenticator code' },
    },
  },
  'request body',
);

export interface TotpEnrollment {
  /** base32; enter it by hand if the QR code cannot be scanned. */
  secret: string;
  otpauthUrl: string;
}

export interface MfaEnabled {
  mfaEnabled: true;
  /** Shown once: each signs in once in place of a code. */
  recoveryCodes: string[];
}

export interface MfaDisabled {
  mfaEnabled: false;
}

export const totpEnrollmentSchema: SchemaObject = {
  type: 'object',
  required: ['secret', 'otpauthUrl'],
  properties: {
    secret: { type: 'string', description: 'base32 TOTP secret (SHA-1, 6 digits, 30 s); shown once' },
    otpauthUrl: { type: 'string', description: 'otpauth:// URL for a QR code; contains the secret' },
  },
};

export const mfaEnabledSchema: SchemaObject = {
  type: 'object',
  required: ['mfaEnabled', 'recoveryCodes'],
  properties: {
    mfaEnabled: { type: 'boolean', enum: [true] },
    recoveryCodes: {
      type: 'array',
      items: { type: 'string' },
      description: 'shown once; each can replace a code at sign-in one time',
    },
  },
};

export const mfaDisabledSchema: SchemaObject = {
  type: 'object',
  required: ['mfaEnabled'],
  properties: { mfaEnabled: { type: 'boolean', enum: [false] } },
};
