/**
 * `warden plugin`: what a plugin publisher runs. Keys are made and used locally; a submission is
 * checked with the same rules the API applies (validatePluginSubmission) before anything is
 * signed or sent, so every problem shows up at once with its file, line and field.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  generatePublisherKeyPair,
  parsePublisherKey,
  pluginDigest,
  signPluginDigest,
  validatePluginSubmission,
  type PluginManifest,
} from '@warden/plugins';
import {
  ApiClient,
  ApiRequestError,
  ApiUnreachableError,
  type PluginSubmission,
  type PluginWritten,
  type PublisherKeyView,
} from '../api-client';
import { CommandExit, EXIT, UsageError } from '../cli-errors';
import type { Output } from '../output';
import {
  errnoCode,
  formatPluginProblem,
  readPluginFiles,
  readPrivateKey,
  readSignatureFile,
  readTextFile,
  type PluginFiles,
  type PluginProblemLike,
  type SignatureFile,
} from '../plugin-files';
import { DEFAULT_API_URL } from './run';

export interface ApiOptions {
  api: string;
  /** Bearer token: an access token or an API key. */
  token?: string;
}

export interface SignOptions {
  key: string;
  out?: string;
}

export interface PushOptions extends ApiOptions {
  key?: string;
  signature?: string;
  activate?: boolean;
}

/** A submission that passed the local checks. */
export interface CheckedPlugin {
  files: PluginFiles;
  manifest: PluginManifest;
  digest: string;
}

/** Codes of a refused submission: the files need fixing, like an invalid definition for `run`. */
const REFUSED = new Set([
  'plugin_invalid',
  'plugin_id_mismatch',
  'version_not_increasing',
  'signature_invalid',
  'publisher_key_invalid',
]);

/** Reads and checks manifest and source; prints every problem (and warning) to stderr. */
export function checkPluginFiles(
  manifestPath: string,
  sourcePath: string,
  output: Output,
): CheckedPlugin | undefined {
  const files = readPluginFiles(manifestPath, sourcePath);
  const result = validatePluginSubmission({
    manifest: files.manifest.value,
    source: files.source,
    language: files.language,
  });
  if (!result.ok) {
    for (const problem of result.problems) output.err(formatPluginProblem(files, problem, 'plugin_invalid'));
    const count = result.problems.length;
    output.err(`${count} problem${count === 1 ? '' : 's'}; nothing was signed or sent`);
    return undefined;
  }
  for (const warning of result.warnings)
    output.err(formatPluginProblem(files, warning, 'docs_incomplete', 'warning'));
  return { files, manifest: result.manifest, digest: pluginDigest(result.manifest, result.source) };
}

/** Writes `<dir>/publisher.key` (PKCS8, 0600) and `<dir>/publisher.pub` (SPKI); never overwrites. */
export function keygen(dir: string, output: Output): number {
  const keyPath = join(dir, 'publisher.key');
  const pubPath = join(dir, 'publisher.pub');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generatePublisherKeyPair();
  // 'wx' fails when the file exists, so a second keygen can never replace a key in use.
  writeNew(keyPath, pair.privateKeyPem, 0o600);
  writeNew(pubPath, pair.publicKeyPem, 0o644);
  output.out(`key ${pair.keyId}`);
  output.out(`wrote ${keyPath} (private: keep it secret) and ${pubPath}`);
  output.out('trust it in a tenant (needs plugin:trust):');
  output.out(`  warden plugin trust ${pubPath} --name <name>`);
  output.out(`  or POST /v1/plugin-keys {"name": "<name>", "publicKeyPem": "<the text of ${pubPath}>"}`);
  return EXIT.ok;
}

function writeNew(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (err) {
    const code = errnoCode(err, 'unwritable');
    if (code === 'EEXIST') {
      throw new UsageError(`${path} exists; refusing to overwrite a key (choose another --out)`);
    }
    throw new UsageError(`${path}: cannot write the file (${code})`);
  }
}

export async function trustKey(
  pubPath: string,
  options: ApiOptions & { name: string },
  output: Output,
): Promise<number> {
  const pem = readTextFile(pubPath);
  let keyId: string;
  try {
    keyId = parsePublisherKey(pem).keyId;
  } catch (err) {
    output.err(`${pubPath}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.usage;
  }
  const client = new ApiClient(options.api, options.token);
  try {
    const key = await client.trustPublisherKey(options.name, pem);
    output.out(`trusted ${key.keyId} as '${key.name}': versions it signs can now be activated`);
    return EXIT.ok;
  } catch (err) {
    // Trusting a key the tenant already trusts is done, not an error (scripts run it again).
    const trusted = await alreadyTrusted(client, keyId, err);
    if (trusted !== undefined) {
      output.out(
        `${trusted.keyId} is trusted already as '${trusted.name}'${trusted.platform ? ' (platform key)' : ''}`,
      );
      return EXIT.ok;
    }
    return reportApiError(
      err,
      output,
      (problem, code) => `${pubPath} ${problem.code ?? code} ${problem.message} (${problem.path})`,
    );
  }
}

/** After a `publisher_key_exists` refusal: the key, if the tenant trusts it (not revoked). */
async function alreadyTrusted(
  client: ApiClient,
  keyId: string,
  err: unknown,
): Promise<PublisherKeyView | undefined> {
  if (!(err instanceof ApiRequestError) || err.code !== 'publisher_key_exists') return undefined;
  const key = (await client.publisherKeys().catch(() => [])).find((k) => k.keyId === keyId);
  return key !== undefined && !key.revokedAt ? key : undefined;
}

/** Prints `{keyId, signature, digest}`, or writes it to `--out` for `push --signature`. */
export function signFiles(
  manifestPath: string,
  sourcePath: string,
  options: SignOptions,
  output: Output,
): number {
  const key = readPrivateKey(options.key);
  const checked = checkPluginFiles(manifestPath, sourcePath, output);
  if (!checked) return EXIT.usage;
  const signed: SignatureFile = {
    keyId: key.keyId,
    signature: signPluginDigest(checked.digest, key.privateKeyPem),
    digest: checked.digest,
  };
  const json = JSON.stringify(signed, null, 2);
  if (options.out === undefined) {
    output.out(json);
    return EXIT.ok;
  }
  try {
    writeFileSync(options.out, `${json}\n`);
  } catch (err) {
    const code = errnoCode(err, 'unwritable');
    throw new UsageError(`${options.out}: cannot write the file (${code})`);
  }
  const { id, version } = checked.manifest;
  output.out(`signed ${id} ${version} with ${key.keyId}: wrote ${options.out} (digest ${checked.digest})`);
  return EXIT.ok;
}

/** Registers the plugin or adds the version, signed when asked, and activates it with --activate. */
export async function pushFiles(
  manifestPath: string,
  sourcePath: string,
  options: PushOptions,
  output: Output,
): Promise<number> {
  if (options.key !== undefined && options.signature !== undefined) {
    throw new UsageError('give --key or --signature, not both');
  }
  if (options.activate && options.key === undefined && options.signature === undefined) {
    throw new UsageError(
      '--activate needs a signed version: pass --key <publisher.key> or --signature <file>',
    );
  }
  const key = options.key === undefined ? undefined : readPrivateKey(options.key);
  const signatureFile = options.signature === undefined ? undefined : readSignatureFile(options.signature);
  const checked = checkPluginFiles(manifestPath, sourcePath, output);
  if (!checked) return EXIT.usage;
  const { files, manifest, digest } = checked;
  const signature = key
    ? { keyId: key.keyId, signature: signPluginDigest(digest, key.privateKeyPem) }
    : signatureFile && { keyId: signatureFile.keyId, signature: signatureFile.signature };
  const submission: PluginSubmission = {
    manifest: files.manifest.value,
    source: files.source,
    language: files.language,
    ...(signature ? { signature } : {}),
  };

  const client = new ApiClient(options.api, options.token);
  try {
    const written = await registerOrAddVersion(client, manifest.id, submission, output);
    let status = written.status;
    if (options.activate) {
      status = (await client.setPluginVersionStatus(written.id, written.version, 'ACTIVE')).status;
    }
    output.out(`plugin ${written.id} version ${written.version} status ${status} digest ${written.digest}`);
    return EXIT.ok;
  } catch (err) {
    const code = reportApiError(err, output, (problem, fallbackCode) =>
      formatPluginProblem(
        { ...files, signaturePath: options.signature ?? options.key },
        problem,
        fallbackCode,
      ),
    );
    if (err instanceof ApiRequestError && err.code === 'signature_invalid') {
      output.err(signatureHint(checked, signatureFile, key?.keyId));
    }
    return code;
  }
}

/** POST for a new plugin; the API's 409 plugin_exists means this is a new version (PUT). */
async function registerOrAddVersion(
  client: ApiClient,
  pluginId: string,
  submission: PluginSubmission,
  output: Output,
): Promise<PluginWritten> {
  try {
    const created = await client.registerPlugin(submission);
    output.out(`registered ${created.id} ${created.version} (${created.status})`);
    return created;
  } catch (err) {
    if (!(err instanceof ApiRequestError && err.code === 'plugin_exists')) throw err;
  }
  const added = await client.addPluginVersion(pluginId, submission);
  output.out(`added ${added.id} ${added.version} (${added.status})`);
  return added;
}

function signatureHint(
  checked: CheckedPlugin,
  signatureFile: SignatureFile | undefined,
  keyId?: string,
): string {
  const { manifest, files } = checked;
  if (signatureFile?.digest !== undefined && signatureFile.digest !== checked.digest) {
    return (
      `the signature was made for digest ${signatureFile.digest}, but ${files.manifest.path} and ` +
      `${files.sourcePath} now hash to ${checked.digest}: they changed since signing; sign them again`
    );
  }
  const id = keyId ?? signatureFile?.keyId ?? 'the key';
  return `${manifest.id}: is ${id} trusted by this tenant? warden plugin trust <publisher.pub> --name <name>`;
}

function reportApiError(
  err: unknown,
  output: Output,
  formatProblem: (problem: PluginProblemLike, fallbackCode: string) => string,
): number {
  if (err instanceof ApiUnreachableError) {
    output.err(err.message);
    return EXIT.failure;
  }
  if (!(err instanceof ApiRequestError)) throw err;
  output.err(`the API answered ${err.status} ${err.code}: ${err.message}`);
  for (const problem of err.problems) output.err(formatProblem(problem, err.code));
  if (err.status === 401) {
    output.err(
      'sign in: set WARDEN_TOKEN (or --token) to an API key or access token; `npm start` prints one',
    );
  }
  return REFUSED.has(err.code) ? EXIT.usage : EXIT.failure;
}

function withApiOptions(command: Command): Command {
  return command
    .option('--api <url>', 'Warden API base URL', DEFAULT_API_URL)
    .option(
      '--token <token>',
      'access token or API key (default: $WARDEN_TOKEN; `npm start` prints one for the dev tenant)',
      process.env.WARDEN_TOKEN,
    );
}

export function registerPluginCommand(program: Command, output: Output): void {
  const plugin = program
    .command('plugin')
    .description('plugin publishing: make a key, trust it, sign and push plugins');
  plugin
    .command('keygen')
    .description('make an Ed25519 publisher key pair: publisher.key (private) and publisher.pub')
    .requiredOption('--out <dir>', 'folder to write the two files to (created if missing)')
    .action((options: { out: string }) => {
      throw new CommandExit(keygen(options.out, output));
    });
  withApiOptions(
    plugin
      .command('trust')
      .description("trust a publisher's public key in your tenant (needs plugin:trust)")
      .argument('<publisher.pub>', 'the public key file (SPKI PEM) from warden plugin keygen')
      .requiredOption('--name <name>', 'a name for the key, e.g. the publisher'),
  ).action(async (pubPath: string, options: ApiOptions & { name: string }) => {
    throw new CommandExit(await trustKey(pubPath, options, output));
  });
  plugin
    .command('sign')
    .description('check a plugin offline and sign it; prints {keyId, signature, digest}')
    .argument('<manifest.json>', 'the plugin manifest')
    .argument('<source>', 'the module source (.ts is TypeScript, anything else JavaScript)')
    .requiredOption('--key <publisher.key>', 'the private key file')
    .option('--out <file>', 'write the signature JSON here instead of printing it')
    .action((manifestPath: string, sourcePath: string, options: SignOptions) => {
      throw new CommandExit(signFiles(manifestPath, sourcePath, options, output));
    });
  withApiOptions(
    plugin
      .command('push')
      .description('check, sign (with --key) and register a plugin version; --activate publishes it')
      .argument('<manifest.json>', 'the plugin manifest')
      .argument('<source>', 'the module source (.ts is TypeScript, anything else JavaScript)')
      .option('--key <publisher.key>', 'sign with this private key')
      .option('--signature <file>', 'send a signature written by warden plugin sign --out')
      .option('--activate', 'make the version ACTIVE (needs a signature and plugin:publish)'),
  ).action(async (manifestPath: string, sourcePath: string, options: PushOptions) => {
    throw new CommandExit(await pushFiles(manifestPath, sourcePath, options, output));
  });
}
