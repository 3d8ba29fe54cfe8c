import { createHash } from 'node:crypto';
import {
  CHAIN_START,
  GENESIS_HASH,
  canonicalEvent,
  chainHash,
  checkLink,
  storableDetails,
  type ChainPosition,
  type ChainedEvent,
  type StoredLink,
} from './chain';

function anEvent(overrides: Partial<ChainedEvent> = {}): ChainedEvent {
  return {
    tenantId: '00000000-0000-0000-0000-000000000001',
    seq: 1,
    id: '11111111-1111-4111-8111-111111111111',
    occurredAt: new Date('2024-11-23T10:00:00.123Z'),
    actor: { type: 'user', id: 'u-1' },
    action: 'auth.login',
    target: { type: 'user', id: 'u-1' },
    outcome: 'success',
    requestId: 'req-1',
    sourceIp: '10.0.0.1',
    details: { method: 'pwd' },
    prevHash: GENESIS_HASH,
    ...overrides,
  };
}

/** A sound chain of `n` links, each hashed over its predecessor. */
function aChain(n: number): StoredLink[] {
  const links: StoredLink[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const event = anEvent({ seq, prevHash: links[seq - 2]?.hash ?? GENESIS_HASH, details: { n: seq } });
    links.push({ ...event, hash: chainHash(event) });
  }
  return links;
}

function walk(links: StoredLink[]): ReturnType<typeof checkLink> {
  let position: ChainPosition = CHAIN_START;
  for (const link of links) {
    const result = checkLink(position, link);
    if (!result.ok) return result;
    position = result.position;
  }
  return { ok: true, position };
}

describe('audit hash chain', () => {
  it('starts from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(CHAIN_START).toEqual({ nextSeq: 1, prevHash: GENESIS_HASH });
  });

  it('hashes prev_hash followed by the RFC 8785 form of every field but the hash', () => {
    const event = anEvent({ details: { z: [1, 'two'], a: { y: true, b: null } } });
    const canonical =
      '{"action":"auth.login","actor":{"id":"u-1","type":"user"},"details":{"a":{"b":null,"y":true},' +
      '"z":[1,"two"]},"id":"11111111-1111-4111-8111-111111111111","occurredAt":"2024-11-23T10:00:00.123Z",' +
      '"outcome":"success","prevHash":"' +
      GENESIS_HASH +
      '","requestId":"req-1","seq":1,"sourceIp":"10.0.0.1","target":{"id":"u-1","type":"user"},' +
      '"tenantId":"00000000-0000-0000-0000-000000000001"}';
    expect(canonicalEvent(event)).toBe(canonical);
    expect(chainHash(event)).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + canonical)
        .digest('hex'),
    );
  });

  it('does not depend on the order of keys in details (jsonb reorders them)', () => {
    expect(chainHash(anEvent({ details: { b: 1, a: { d: 2, c: 3 } } }))).toBe(
      chainHash(anEvent({ details: { a: { c: 3, d: 2 }, b: 1 } })),
    );
  });

  it('changes with every covered field', () => {
    const base = chainHash(anEvent());
    const variants: Partial<ChainedEvent>[] = [
      { tenantId: '00000000-0000-0000-0000-000000000002' },
      { seq: 2 },
      { id: '22222222-2222-4222-8222-222222222222' },
      { occurredAt: new Date('2024-11-23T10:00:00.124Z') },
      { actor: { type: 'api_key', id: 'u-1' } },
      { actor: { type: 'user', id: 'u-2' } },
      { action: 'auth.logout' },
      { target: { type: 'user', id: null } },
      { outcome: 'denied' },
      { requestId: null },
      { sourceIp: null },
      { details: { method: 'otp' } },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = variants.map((change) => chainHash(anEvent(change)));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('accepts a sound chain and ends at the position after its last link', () => {
    const links = aChain(3);
    expect(walk(links)).toEqual({ ok: true, position: { nextSeq: 4, prevHash: links[2]!.hash } });
  });

  it('reports changed content at the changed link', () => {
    const links = aChain(4);
    links[2] = { ...links[2]!, details: { n: 'forged' } };
    expect(walk(links)).toEqual({ ok: false, seq: 3, reason: 'hash_mismatch' });
  });

  it('reports a re-hashed link at its successor, whose prev_hash no longer matches', () => {
    const links = aChain(4);
    const forged = { ...links[1]!, details: { n: 'forged' } };
    links[1] = { ...forged, hash: chainHash(forged) };
    expect(walk(links)).toEqual({ ok: false, seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('reports a removed link at the missing sequence number', () => {
    const links = aChain(4);
    links.splice(1, 1);
    expect(walk(links)).toEqual({ ok: false, seq: 2, reason: 'sequence_gap' });
  });

  it('stores details as jsonb will return them', () => {
    expect(storableDetails(undefined)).toEqual({});
    expect(storableDetails({ gone: undefined, at: new Date('2024-01-01T00:00:00Z'), n: [1] })).toEqual({
      at: '2024-01-01T00:00:00.000Z',
      n: [1],
    });
  });
});
