import { ApplicationFailure } from '@temporalio/common';
import { CryptoError, type CryptoErrorCode } from '@warden/crypto';
import type { SecretFields, SecretOwner } from '../activity-contract';
import { OpenedSecrets } from './secrets';

const OWNER: SecretOwner = { tenantId: 't1', workflowId: 'w1', workflowVersion: 3 };

/** A strict fake: opens `wdn1.<field>` to the value stored under that field, and records what it was told. */
function aPort(values: Record<string, string>): SecretFields & { remembered: string[]; asked: string[] } {
  const port = {
    remembered: [] as string[],
    asked: [] as string[],
    open(at: SecretOwner & { field: string }, ciphertext: string): Promise<string> {
      expect(at).toMatchObject(OWNER);
      port.asked.push(at.field);
      const value = values[at.field];
      if (ciphertext !== `wdn1.${at.field}` || value === undefined) {
        return Promise.reject(new CryptoError('ciphertext_context_mismatch', 'belongs elsewhere'));
      }
      return Promise.resolve(value);
    },
    remember(opened: readonly string[]): void {
      port.remembered.push(...opened);
    },
  };
  return port;
}

const sealedAt = (field: string) => ({ secret: true as const, ciphertext: `wdn1.${field}` });

describe('OpenedSecrets', () => {
  it('opens sealed env values with their full field name and leaves plain ones', async () => {
    const port = aPort({ 'steps.s.env.TOKEN': 'tok-123456' });
    const opened = new OpenedSecrets(port, OWNER, 's');
    const env = await opened.stringMap({ TOKEN: sealedAt('steps.s.env.TOKEN'), PLAIN: 'x' }, 'env');
    expect(env).toEqual({ TOKEN: 'tok-123456', PLAIN: 'x' });
    expect(port.asked).toEqual(['steps.s.env.TOKEN']);
    expect(port.remembered).toEqual(['tok-123456']);
  });

  it('opens writeOnly config properties as the JSON they were sealed as', async () => {
    const port = aPort({
      'steps.p.config.apiKey': JSON.stringify('key-abcdef'),
      'steps.p.config.creds': JSON.stringify({ user: 'ada', pass: 'pw-998877' }),
    });
    const opened = new OpenedSecrets(port, OWNER, 'p');
    const config = await opened.config({
      apiKey: sealedAt('steps.p.config.apiKey'),
      creds: sealedAt('steps.p.config.creds'),
      region: 'eu',
    });
    expect(config).toEqual({ apiKey: 'key-abcdef', creds: { user: 'ada', pass: 'pw-998877' }, region: 'eu' });
    expect(port.remembered.sort()).toEqual(['ada', 'key-abcdef', 'pw-998877']);
    // What the plugin returns never shows the raw values, whatever their encoding.
    expect(
      opened.maskDeep({ echoed: 'key-abcdef', b64: Buffer.from('pw-998877').toString('base64'), n: 1 }),
    ).toEqual({ echoed: '***', b64: '***', n: 1 });
    const untouched = { a: 1 };
    expect(await opened.config(untouched)).toBe(untouched);
  });

  it('masks opened values in text, deep values of any depth, keys, and a cut tail', async () => {
    const opened = new OpenedSecrets(aPort({ 'steps.s.env.T': 'abcdef-secret' }), OWNER, 's');
    await opened.stringMap({ T: sealedAt('steps.s.env.T') }, 'env');
    expect(opened.mask('x abcdef-secret y')).toBe('x *** y');
    expect(opened.mask('log: abcdef-se', true)).toBe('log: ***');
    expect(opened.mask('log: abcdef-se')).toBe('log: abcdef-se');
    let deep: unknown = 'abcdef-secret';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    let masked = opened.maskDeep(deep);
    for (let i = 0; i < 20_000; i++) masked = (masked as unknown[])[0];
    expect(masked).toBe('***');
    expect(opened.maskDeep({ 'abcdef-secret': 'k' })).toEqual({ '***': 'k' });
  });

  it('changes nothing when the step opened nothing', () => {
    const opened = new OpenedSecrets(undefined, undefined, 's');
    const value = { a: 'abcdef-secret' };
    expect(opened.maskDeep(value)).toBe(value);
    expect(opened.mask('abcdef-secret')).toBe('abcdef-secret');
  });

  it.each<[CryptoErrorCode, boolean]>([
    ['ciphertext_context_mismatch', true],
    ['ciphertext_tampered', true],
    ['key_destroyed', true],
    ['key_provider_failed', false],
  ])('fails with SecretUnreadable naming %s (non-retryable: %s)', async (code, nonRetryable) => {
    const port: SecretFields = { open: () => Promise.reject(new CryptoError(code, 'why')) };
    const opened = new OpenedSecrets(port, OWNER, 's');
    const failure = await opened.stringMap({ T: sealedAt('x') }, 'headers').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'SecretUnreadable', nonRetryable });
    expect((failure as Error).message).toBe(`cannot open secret steps.s.headers.T: ${code} (why)`);
  });

  it('fails without a port or an owner, and lets other errors through (retried)', async () => {
    for (const opened of [
      new OpenedSecrets(undefined, OWNER, 's'),
      new OpenedSecrets(aPort({}), undefined, 's'),
    ]) {
      await expect(opened.stringMap({ T: sealedAt('x') }, 'env')).rejects.toMatchObject({
        type: 'SecretUnreadable',
        nonRetryable: true,
      });
    }
    const down: SecretFields = { open: () => Promise.reject(new Error('connection refused')) };
    await expect(new OpenedSecrets(down, OWNER, 's').stringMap({ T: sealedAt('x') }, 'env')).rejects.toThrow(
      'connection refused',
    );
  });
});
