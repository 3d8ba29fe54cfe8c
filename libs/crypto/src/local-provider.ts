import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open as openFile, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GeneratedDataKey, KeyContext, KeyProvider, WrappedDataKey } from './contract';
import { CryptoError } from './crypto.errors';
import { additionalData } from './envelope';

const MASTER_KEY_BYTES = 32;
const WRAP_FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface LocalKeyProviderConfig {
  /** The current master key (32 bytes). Without it the key file is used, created on first start. */
  masterKey?: Buffer;
  /** Master keys that still unwrap data keys wrapped before a master key rotation. */
  previousMasterKeys?: readonly Buffer[];
  /** Where the master key lives when none is given; created with mode 0600. */
  keyFile: string;
}

/**
 * The default key provider: one master key on this machine (from WARDEN_MASTER_KEY or a key
 * file made on first start) wraps every tenant's data keys with AES-256-GCM, the tenant and
 * scope bound in as additional data. For production, prefer AWS KMS (the master key then never
 * leaves the KMS).
 */
export class LocalKeyProvider implements KeyProvider {
  readonly kind = 'local' as const;
  private readonly masters: Map<string, Buffer>;
  private readonly currentId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== MASTER_KEY_BYTES) {
        throw new CryptoError(
          'key_config_invalid',
          `a master key must be ${MASTER_KEY_BYTES} bytes, got ${key.length}`,
        );
      }
    }
    this.currentId = masterKeyId(current);
    this.masters = new Map([...previous, current].map((key) => [masterKeyId(key), key]));
  }

  static async fromConfig(config: LocalKeyProviderConfig): Promise<LocalKeyProvider> {
    const current = config.masterKey ?? (await readOrCreateKeyFile(config.keyFile));
    return new LocalKeyProvider(current, config.previousMasterKeys);
  }

  currentMasterKeyId(): string {
    return this.currentId;
  }

  generateDataKey(context: KeyContext): Promise<GeneratedDataKey> {
    const plaintext = randomBytes(32);
    return this.wrapDataKey(plaintext, context).then((wrapped) => ({ ...wrapped, plaintext }));
  }

  wrapDataKey(plaintext: Buffer, context: KeyContext): Promise<WrappedDataKey> {
    const master = this.masters.get(this.currentId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(wrapAad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Promise.resolve({
      wrapped: Buffer.concat([Buffer.of(WRAP_FORMAT), iv, body, cipher.getAuthTag()]),
      masterKeyId: this.currentId,
    });
  }

  unwrapDataKey(key: WrappedDataKey, context: KeyContext): Promise<Buffer> {
    const master = this.masters.get(key.masterKeyId);
    if (master === undefined) {
      return Promise.reject(
        new CryptoError(
          'master_key_mismatch',
          `data key was wrapped by master key ${key.masterKeyId}, which this process does not hold ` +
            '(set it in WARDEN_MASTER_KEY_PREVIOUS after a master key rotation)',
        ),
      );
    }
    const { wrapped } = key;
    if (wrapped.length !== 1 + IV_BYTES + 32 + TAG_BYTES || wrapped[0] !== WRAP_FORMAT) {
      return Promise.reject(
        new CryptoError('ciphertext_malformed', 'wrapped data key has an unknown format'),
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(wrapAad(context));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    try {
      return Promise.resolve(
        Buffer.concat([
          decipher.update(wrapped.subarray(1 + IV_BYTES, wrapped.length - TAG_BYTES)),
          decipher.final(),
        ]),
      );
    } catch (err) {
      return Promise.reject(
        // The code AWS KMS gives for the same failure (InvalidCiphertextException), so callers
        // see one code whichever provider runs: a wrong tenant or scope, or changed bytes.
        new CryptoError(
          'master_key_mismatch',
          `wrapped data key does not unwrap with master key ${key.masterKeyId} for this tenant and scope`,
          err,
        ),
      );
    }
  }
}

/** `local:` and 16 hex digits of the key's sha256: names a master key without revealing it. */
export function masterKeyId(key: Buffer): string {
  return `local:${createHash('sha256').update('warden-master-key').update(key).digest('hex').slice(0, 16)}`;
}

function wrapAad(context: KeyContext): Buffer {
  return additionalData('warden-data-key', context.tenantId, context.scope);
}

/** Reads the key file, or creates it (0600, in a 0700 folder) when it does not exist yet. */
async function readOrCreateKeyFile(path: string): Promise<Buffer> {
  try {
    return await readKeyFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written in full to a private file, then linked into place: link never replaces an existing
  // file, and a process starting at the same moment never reads a half-written key.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await openFile(draft, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(MASTER_KEY_BYTES).toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
  } catch (err) {
    // Another process created it first: everyone uses theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(draft);
  }
  return readKeyFile(path);
}

async function readKeyFile(path: string): Promise<Buffer> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new CryptoError(
      'key_config_invalid',
      `master key file ${path} is readable by group or others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    throw new CryptoError(
      'key_config_invalid',
      `master key file ${path} must hold ${MASTER_KEY_BYTES} bytes in base64`,
    );
  }
  return key;
}
