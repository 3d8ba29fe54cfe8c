import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { payloadsFromCodecJson, payloadsToCodecJson } from './codec-protocol';
import type { KeyProvider } from './contract';
import { CryptoError } from './crypto.errors';
import { InMemoryDataKeyStore } from './in-memory-store';
import { KeyRing } from './key-ring';
import { LocalKeyProvider } from './local-provider';
import {
  ENCRYPTED_PAYLOAD_ENCODING,
  parsePayloadKeyId,
  payloadKeyIdOf,
  TEMPORAL_FAILURE_CONVERTER_PATH,
  tenantDataConverter,
  TenantPayloadCodec,
} from './temporal-codec';
import { failureConverter } from './temporal-failure-converter';

const MARKER = 'sk_live_codec_marker_4242';

interface Counted {
  provider: KeyProvider;
  calls: { generate: number; unwrap: number };
}

/** The real local provider, counting what would be KMS calls with AWS KMS. */
function countingProvider(): Counted {
  const inner = new LocalKeyProvider(randomBytes(32));
  const calls = { generate: 0, unwrap: 0 };
  const provider: KeyProvider = {
    kind: inner.kind,
    currentMasterKeyId: () => inner.currentMasterKeyId(),
    generateDataKey: (context) => {
      calls.generate += 1;
      return inner.generateDataKey(context);
    },
    unwrapDataKey: (key, context) => {
      calls.unwrap += 1;
      return inner.unwrapDataKey(key, context);
    },
    wrapDataKey: (plaintext, context) => inner.wrapDataKey(plaintext, context),
  };
  return { provider, calls };
}

function setup() {
  const counted = countingProvider();
  const ring = new KeyRing({ provider: counted.provider, store: new InMemoryDataKeyStore() });
  const tenantId = randomUUID();
  return { ...counted, ring, tenantId, codec: new TenantPayloadCodec(ring, tenantId) };
}

const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (payload: Payload): string =>
  Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()).toString('latin1');
const meta = (payload: Payload, key: string): string => Buffer.from(payload.metadata![key]!).toString('utf8');

async function expectCryptoError(promise: Promise<unknown>, code: CryptoError['code']): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

describe('TenantPayloadCodec', () => {
  it('seals each payload whole, names its key, and decodes it back exactly', async () => {
    const { codec, tenantId } = setup();
    const original = [plain({ token: MARKER, n: 1 }), plain('second'), plain(undefined)];
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(3);
    for (const payload of encoded) {
      expect(meta(payload, 'encoding')).toBe(ENCRYPTED_PAYLOAD_ENCODING);
      expect(meta(payload, 'encryption-key-id')).toBe(`${tenantId}/tenant/1`);
      expect(Object.keys(payload.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
      // Neither the value nor its original encoding (json/plain) is visible.
      expect(text(payload)).not.toContain(MARKER);
      expect(text(payload)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { token: MARKER, n: 1 },
      'second',
      undefined,
    ]);
    expect(meta(decoded[0]!, 'encoding')).toBe('json/plain');
  });

  it('gives every payload its own IV: the same value never encrypts the same way twice', async () => {
    const { codec } = setup();
    const [a, b] = await codec.encode([plain(MARKER), plain(MARKER)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('leaves payloads that are not encrypted as they are (old plaintext histories replay)', async () => {
    const { codec } = setup();
    const payload = plain({ old: true });
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it("refuses another tenant's payload, even when its key id is rewritten to this tenant", async () => {
    const { ring, codec, tenantId } = setup();
    const other = new TenantPayloadCodec(ring, randomUUID());
    const [theirs] = await other.encode([plain(MARKER)]);
    await expectCryptoError(codec.decode([theirs!]), 'ciphertext_context_mismatch');

    const relabelled: Payload = {
      ...theirs,
      metadata: { ...theirs!.metadata, 'encryption-key-id': Buffer.from(`${tenantId}/tenant/1`) },
    };
    // This tenant's key v1 now exists too, so only the bound additional data can say no.
    await codec.encode([plain('make key v1')]);
    await expectCryptoError(codec.decode([relabelled]), 'ciphertext_context_mismatch');
  });

  it('detects changed ciphertext and a key id that disagrees with the sealed header', async () => {
    const { codec, ring, tenantId } = setup();
    const [sealed] = await codec.encode([plain(MARKER)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[flipped.length - 20]! ^= 0x01;
    await expectCryptoError(codec.decode([{ ...sealed, data: flipped }]), 'ciphertext_tampered');

    await ring.rotate({ tenantId, scope: 'tenant' });
    const wrongVersion: Payload = {
      ...sealed,
      metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from(`${tenantId}/tenant/2`) },
    };
    await expectCryptoError(codec.decode([wrongVersion]), 'ciphertext_tampered');
    await expectCryptoError(
      codec.decode([{ ...sealed, metadata: { encoding: Buffer.from(ENCRYPTED_PAYLOAD_ENCODING) } }]),
      'ciphertext_malformed',
    );
  });

  it('keeps decoding older versions after a rotation and encodes with the new one', async () => {
    const { codec, ring, tenantId } = setup();
    const [v1] = await codec.encode([plain('before')]);
    await ring.rotate({ tenantId, scope: 'tenant' });
    const [v2] = await codec.encode([plain('after')]);
    expect(meta(v2!, 'encryption-key-id')).toBe(`${tenantId}/tenant/2`);
    const decoded = await codec.decode([v1!, v2!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['before', 'after']);
  });

  it('cannot decode once the key is destroyed (crypto-shredding)', async () => {
    const { codec, ring, tenantId } = setup();
    const [sealed] = await codec.encode([plain(MARKER)]);
    await ring.destroy({ tenantId, scope: 'tenant' });
    await expectCryptoError(codec.decode([sealed!]), 'key_destroyed');
  });

  it('costs one key generation and one unwrap for a hundred payloads: the data key is cached', async () => {
    const { codec, calls } = setup();
    for (let i = 0; i < 50; i += 1) await codec.decode(await codec.encode([plain(i), plain({ i })]));
    expect(calls).toEqual({ generate: 1, unwrap: 1 });
  });
});

describe('payload key ids', () => {
  it('parses <tenantId>/<scope>/<version>', () => {
    expect(parsePayloadKeyId('t1/tenant/3')).toEqual({ tenantId: 't1', scope: 'tenant', version: 3 });
    expect(parsePayloadKeyId('t1/subject:a/b/12')).toEqual({
      tenantId: 't1',
      scope: 'subject:a/b',
      version: 12,
    });
  });

  it.each([
    '',
    't1',
    't1/tenant',
    '/tenant/1',
    't1//1',
    't1/other/1',
    't1/tenant/0',
    't1/tenant/x',
    't1/tenant/1.5',
  ])('refuses %p', (id) => {
    expect(() => parsePayloadKeyId(id)).toThrow(expect.objectContaining({ code: 'ciphertext_malformed' }));
  });

  it('is undefined for a payload that is not encrypted', () => {
    expect(payloadKeyIdOf(plain('x'))).toBeUndefined();
  });
});

describe('tenantDataConverter', () => {
  it("carries the tenant's codec and the failure converter that encodes messages", async () => {
    const { ring, tenantId } = setup();
    const converter = tenantDataConverter(ring, tenantId);
    expect(converter.failureConverterPath).toBe(TEMPORAL_FAILURE_CONVERTER_PATH);
    expect(converter.payloadCodecs).toHaveLength(1);

    const failure = failureConverter.errorToFailure(
      ApplicationFailure.create({ message: `step failed: ${MARKER}` }),
      defaultPayloadConverter,
    );
    // Message and stack trace travel in a payload, which the codec then seals.
    expect(failure.message).not.toContain(MARKER);
    expect(failure.stackTrace ?? '').not.toContain(MARKER);
    const [sealed] = await converter.payloadCodecs![0]!.encode([failure.encodedAttributes!]);
    expect(text(sealed!)).not.toContain(MARKER);
    const [opened] = await converter.payloadCodecs![0]!.decode([sealed!]);
    const back = failureConverter.failureToError(
      { ...failure, encodedAttributes: opened },
      defaultPayloadConverter,
    );
    expect(back.message).toBe(`step failed: ${MARKER}`);
  });
});

describe('codec server JSON', () => {
  it('round-trips payloads through the base64 wire form', async () => {
    const { codec } = setup();
    const encoded = await codec.encode([plain({ a: MARKER })]);
    const json = JSON.parse(JSON.stringify(payloadsToCodecJson(encoded))) as ReturnType<
      typeof payloadsToCodecJson
    >;
    expect(json.payloads[0]!.metadata!.encoding).toBe(
      Buffer.from(ENCRYPTED_PAYLOAD_ENCODING).toString('base64'),
    );
    const [decoded] = await codec.decode(payloadsFromCodecJson(json));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ a: MARKER });
  });

  it('reads proto3 JSON that omits empty data and metadata', () => {
    const [payload] = payloadsFromCodecJson({ payloads: [{}] });
    expect(payload).toEqual({ metadata: {}, data: Buffer.alloc(0) });
  });
});
