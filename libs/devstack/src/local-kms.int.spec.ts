import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevstackError } from './errors';
import { ensureLocalKms, LOCAL_KMS_KEY_ALIAS, startLocalKms, type LocalKms } from './local-kms';

let binary: string;
let scratch: string;
const running: LocalKms[] = [];

beforeAll(async () => {
  binary = await ensureLocalKms();
  scratch = await mkdtemp(join(tmpdir(), 'warden-local-kms-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((kms) => kms.stop()));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<LocalKms> {
  const kms = await startLocalKms({ dataDir, binaryPath: binary });
  running.push(kms);
  return kms;
}

/** One KMS call over plain HTTP (local-kms does not check signatures). */
async function kmsCall(kms: LocalKms, target: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${kms.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${target}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

describe('startLocalKms', () => {
  it('serves on loopback with the seeded key under its alias, and stop() ends it', async () => {
    const kms = await start(join(scratch, 'serve'));
    expect(kms.endpoint).toBe(`http://127.0.0.1:${kms.port}`);
    const described = await kmsCall(kms, 'DescribeKey', { KeyId: LOCAL_KMS_KEY_ALIAS });
    expect(described.KeyMetadata).toMatchObject({ Arn: kms.key?.arn, KeyState: 'Enabled' });
    expect(kms.key?.arn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${kms.key?.id}`);
    expect((await stat(join(scratch, 'serve', 'seed.yaml'))).mode & 0o777).toBe(0o600);

    await running.splice(0)[0]?.stop();
    expect((await kms.exited).signal).toBe('SIGTERM');
    await expect(fetch(`${kms.endpoint}/`, { method: 'POST' })).rejects.toThrow();
  });

  it('keeps keys across a restart on the same data folder', async () => {
    const dataDir = join(scratch, 'restart');
    const first = await start(dataDir);
    const encrypted = await kmsCall(first, 'Encrypt', {
      KeyId: LOCAL_KMS_KEY_ALIAS,
      Plaintext: Buffer.from('kept').toString('base64'),
    });
    await running.splice(0)[0]?.stop();

    const second = await start(dataDir);
    const decrypted = await kmsCall(second, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob });
    expect(Buffer.from(String(decrypted.Plaintext), 'base64').toString()).toBe('kept');
  });

  it('fails with LOCAL_KMS_START_FAILED and its output when the port is taken', async () => {
    // Hangs up on every connection, so close() is not held open by a readiness probe.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const attempt = startLocalKms({ dataDir: join(scratch, 'taken'), binaryPath: binary, port });
      await expect(attempt).rejects.toBeInstanceOf(DevstackError);
      await expect(attempt).rejects.toMatchObject({ code: 'LOCAL_KMS_START_FAILED' });
      await expect(attempt).rejects.toThrow(/before answering/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
