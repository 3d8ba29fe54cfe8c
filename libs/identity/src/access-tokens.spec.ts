import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AccessTokenService } from './access-tokens';
import { DEFAULT_IDENTITY_CONFIG } from './config';
import { IdentityError, type IdentityErrorCode } from './errors';
import { SigningKeyRing } from './signing-keys';
import { InMemorySigningKeyStore } from './testing/in-memory-stores';
import { ManualClock } from './testing/manual-clock';

const config = DEFAULT_IDENTITY_CONFIG;

async function setup() {
  const clock = new ManualClock();
  const ring = new SigningKeyRing(new InMemorySigningKeyStore(), config, clock);
  const { kid } = await ring.ensureActiveKey();
  const { privateKey } = await ring.signingKey();
  const service = new AccessTokenService(ring, config, clock);
  const nowSeconds = Math.floor(clock.now().getTime() / 1000);
  return { clock, ring, service, kid, ringKey: privateKey as KeyObject, nowSeconds };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a compact JWS by hand, so every field an attacker controls can be set. */
function forge(header: object, payload: object, signer: (data: Buffer) => Buffer | string): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = signer(Buffer.from(signingInput));
  return `${signingInput}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

const ed25519 = (key: KeyObject) => (data: Buffer) => sign(null, data, key);

function validPayload(nowSeconds: number, overrides: object = {}): object {
  return {
    iss: 'warden',
    aud: 'warden-api',
    sub: 'user-1',
    sub_type: 'user',
    tid: 'tenant-1',
    sid: 'family-1',
    amr: ['pwd'],
    jti: 'jti-1',
    iat: nowSeconds,
    exp: nowSeconds + 900,
    ...overrides,
  };
}

async function expectRefusal(promise: Promise<unknown>, code: IdentityErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(IdentityError);
  expect((error as IdentityError).code).toBe(code);
}

describe('AccessTokenService.issue / verify', () => {
  it('issues an EdDSA at+jwt for a user that verifies back to the same claims', async () => {
    const { service, kid, clock } = await setup();
    const issued = await service.issue({
      userId: 'u1',
      tenantId: 't1',
      sessionId: 'f1',
      amr: ['pwd', 'otp'],
    });

    expect(issued.expiresIn).toBe(900);
    const [headerPart, payloadPart] = issued.token.split('.');
    expect(JSON.parse(Buffer.from(headerPart, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      kid,
      typ: 'at+jwt',
    });
    const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: 'warden', aud: 'warden-api', sub: 'u1', tid: 't1', sid: 'f1' });
    expect(payload.exp).toBe((payload.iat as number) + 900);
    expect(typeof payload.jti).toBe('string');

    const verified = await service.verify(issued.token);
    expect(verified).toEqual({
      subject: { type: 'user', userId: 'u1' },
      tenantId: 't1',
      sessionId: 'f1',
      amr: ['pwd', 'otp'],
      jti: payload.jti,
      issuedAt: new Date((payload.iat as number) * 1000),
      expiresAt: issued.expiresAt,
    });
    expect(issued.expiresAt.getTime()).toBe(clock.now().getTime() + 900_000);
  });

  it('issues tokens for API keys without a session', async () => {
    const { service } = await setup();
    const { token } = await service.issue({ apiKeyId: 'k1', tenantId: 't1' });
    const verified = await service.verify(token);
    expect(verified.subject).toEqual({ type: 'api_key', apiKeyId: 'k1' });
    expect(verified.sessionId).toBeNull();
    expect(verified.amr).toEqual([]);
  });

  it('gives every token its own jti', async () => {
    const { service } = await setup();
    const input = { userId: 'u1', tenantId: 't1', sessionId: 'f1', amr: [] };
    const first = await service.verify((await service.issue(input)).token);
    const second = await service.verify((await service.issue(input)).token);
    expect(first.jti).not.toBe(second.jti);
  });

  it('accepts a token within the clock tolerance after exp and refuses it beyond', async () => {
    const { service, clock } = await setup();
    const { token } = await service.issue({ userId: 'u1', tenantId: 't1', sessionId: 'f1', amr: ['pwd'] });
    clock.advanceSeconds(900 + 29);
    await expect(service.verify(token)).resolves.toBeDefined();
    clock.advanceSeconds(2);
    await expectRefusal(service.verify(token), 'token_expired');
  });
});

describe('AccessTokenService.verify refuses forged tokens', () => {
  it.each(['', 'abc', 'a.b', 'a.b.c.d.e', '!!!.e30.sig'])('token_malformed for %p', async (token) => {
    const { service } = await setup();
    await expectRefusal(service.verify(token), 'token_malformed');
  });

  it('token_malformed when a well-signed token lacks a required claim', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const payload = validPayload(nowSeconds, { tid: undefined });
    const token = forge({ alg: 'EdDSA', kid, typ: 'at+jwt' }, payload, ed25519(ringKey));
    await expectRefusal(service.verify(token), 'token_malformed');
  });

  it('token_malformed for an unknown amr value or a user token without sid', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' };
    const badAmr = forge(header, validPayload(nowSeconds, { amr: ['magic'] }), ed25519(ringKey));
    const noSid = forge(header, validPayload(nowSeconds, { sid: undefined }), ed25519(ringKey));
    await expectRefusal(service.verify(badAmr), 'token_malformed');
    await expectRefusal(service.verify(noSid), 'token_malformed');
  });

  it('accepts the hand-built control token (so the refusals below are about one field)', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const token = forge({ alg: 'EdDSA', kid, typ: 'at+jwt' }, validPayload(nowSeconds), ed25519(ringKey));
    await expect(service.verify(token)).resolves.toMatchObject({ tenantId: 'tenant-1' });
  });

  it("token_alg_not_allowed for alg 'none' with an empty signature", async () => {
    const { service, kid, nowSeconds } = await setup();
    const token = forge({ alg: 'none', kid, typ: 'at+jwt' }, validPayload(nowSeconds), () => '');
    await expectRefusal(service.verify(token), 'token_alg_not_allowed');
  });

  it('token_alg_not_allowed for HS256 keyed with our own public key', async () => {
    const { service, ring, kid, nowSeconds } = await setup();
    const publicJwk = (await ring.jwks()).keys[0];
    for (const secret of [Buffer.from(publicJwk.x as string, 'base64url'), JSON.stringify(publicJwk)]) {
      const token = forge({ alg: 'HS256', kid, typ: 'at+jwt' }, validPayload(nowSeconds), (data) =>
        createHmac('sha256', secret).update(data).digest(),
      );
      await expectRefusal(service.verify(token), 'token_alg_not_allowed');
    }
  });

  it('token_unknown_kid for a key outside the ring, and for a missing kid', async () => {
    const { service, nowSeconds } = await setup();
    const attacker = generateKeyPairSync('ed25519').privateKey;
    const foreign = forge(
      { alg: 'EdDSA', kid: 'attacker', typ: 'at+jwt' },
      validPayload(nowSeconds),
      ed25519(attacker),
    );
    const kidless = forge({ alg: 'EdDSA', typ: 'at+jwt' }, validPayload(nowSeconds), ed25519(attacker));
    await expectRefusal(service.verify(foreign), 'token_unknown_kid');
    await expectRefusal(service.verify(kidless), 'token_unknown_kid');
  });

  it('ignores an embedded jwk / jku / x5u: our kid with an attacker signature is token_bad_signature', async () => {
    const { service, kid, nowSeconds } = await setup();
    const attacker = generateKeyPairSync('ed25519');
    const header = {
      alg: 'EdDSA',
      kid,
      typ: 'at+jwt',
      jwk: attacker.publicKey.export({ format: 'jwk' }),
      jku: 'https://attacker.example/jwks.json',
      x5u: 'https://attacker.example/cert.pem',
    };
    const token = forge(header, validPayload(nowSeconds), ed25519(attacker.privateKey));
    await expectRefusal(service.verify(token), 'token_bad_signature');
  });

  it('token_bad_signature when the payload is changed after signing', async () => {
    const { service } = await setup();
    const { token } = await service.issue({ userId: 'u1', tenantId: 't1', sessionId: 'f1', amr: ['pwd'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${b64({ ...claims, tid: 'other-tenant' })}.${signature}`;
    await expectRefusal(service.verify(tampered), 'token_bad_signature');
  });

  it('token_expired for an exp in the past and for a lifetime longer than the TTL', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' };
    const past = validPayload(nowSeconds, { iat: nowSeconds - 1000, exp: nowSeconds - 100 });
    await expectRefusal(service.verify(forge(header, past, ed25519(ringKey))), 'token_expired');
    const oldIat = validPayload(nowSeconds, { iat: nowSeconds - 3600, exp: nowSeconds + 3600 });
    await expectRefusal(service.verify(forge(header, oldIat, ed25519(ringKey))), 'token_expired');
  });

  it('token_not_yet_valid for nbf or iat beyond the clock tolerance', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' };
    const nbf = validPayload(nowSeconds, { nbf: nowSeconds + 120 });
    const iat = validPayload(nowSeconds, { iat: nowSeconds + 120, exp: nowSeconds + 1000 });
    await expectRefusal(service.verify(forge(header, nbf, ed25519(ringKey))), 'token_not_yet_valid');
    await expectRefusal(service.verify(forge(header, iat, ed25519(ringKey))), 'token_not_yet_valid');
  });

  it('token_wrong_issuer and token_wrong_audience', async () => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' };
    const issuer = validPayload(nowSeconds, { iss: 'someone-else' });
    const audience = validPayload(nowSeconds, { aud: 'another-api' });
    await expectRefusal(service.verify(forge(header, issuer, ed25519(ringKey))), 'token_wrong_issuer');
    await expectRefusal(service.verify(forge(header, audience, ed25519(ringKey))), 'token_wrong_audience');
  });

  it.each([{ typ: 'JWT' }, {}])('token_wrong_type for header %p', async (typ) => {
    const { service, kid, ringKey, nowSeconds } = await setup();
    const token = forge({ alg: 'EdDSA', kid, ...typ }, validPayload(nowSeconds), ed25519(ringKey));
    await expectRefusal(service.verify(token), 'token_wrong_type');
  });
});
