/**
 * The files `warden plugin` reads (manifest JSON, module source, keys, signature files) and where
 * in them a problem sits, so every message names a file, a line where one applies, and the field.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { publisherKeyId, type PluginLanguage } from '@warden/plugins';
import { UsageError } from './cli-errors';

/** A problem as the library or the API reports it: `path` is a JSON pointer or a dotted path. */
export interface PluginProblemLike {
  code?: string;
  path: string;
  message: string;
}

export interface ManifestFile {
  path: string;
  text: string;
  value: unknown;
}

export interface PluginFiles {
  manifest: ManifestFile;
  sourcePath: string;
  source: string;
  language: PluginLanguage;
}

export interface SignatureFile {
  keyId: string;
  signature: string;
  /** What was signed; lets the CLI say "changed since signing" when the API refuses it. */
  digest?: string;
}

/** `ENOENT` and the like. Not `instanceof Error`: fs errors can come from another realm (Jest). */
export function errnoCode(err: unknown, fallback: string): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : fallback;
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read the file (${errnoCode(err, 'unreadable')})`);
  }
}

/** Strict JSON (what the API receives); a syntax error names its line and column. */
export function parseJsonFile(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(message);
    // Node 22 appends "(line l column c)" itself; the location goes in front, once.
    const reason = message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ at position \d+/, '');
    if (!position) throw new UsageError(`${path}: not valid JSON: ${reason}`);
    const { line, col } = lineAndColumn(text, Number(position[1]));
    throw new UsageError(`${path}:${line}:${col}: not valid JSON: ${reason}`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** `.ts`, `.mts` and `.cts` are TypeScript; anything else is sent as JavaScript. */
export function languageOf(sourcePath: string): PluginLanguage {
  return ['.ts', '.mts', '.cts'].includes(extname(sourcePath).toLowerCase()) ? 'typescript' : 'javascript';
}

export function readPluginFiles(manifestPath: string, sourcePath: string): PluginFiles {
  const text = readTextFile(manifestPath);
  const value = parseJsonFile(manifestPath, text);
  return {
    manifest: { path: manifestPath, text, value },
    sourcePath,
    source: readTextFile(sourcePath),
    language: languageOf(sourcePath),
  };
}

/** A private key file: its PEM and the id of its public half (what the tenant trusts). */
export function readPrivateKey(path: string): { privateKeyPem: string; keyId: string } {
  const pem = readTextFile(path);
  if (pem.includes('BEGIN PUBLIC KEY')) {
    throw new UsageError(`${path}: this is a public key; --key takes the private key (publisher.key)`);
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new UsageError(`${path}: not a PEM private key`);
  }
  try {
    return { privateKeyPem: pem, keyId: publisherKeyId(publicKeyPem) };
  } catch (err) {
    throw new UsageError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The JSON `warden plugin sign --out` writes. */
export function readSignatureFile(path: string): SignatureFile {
  const value = parseJsonFile(path, readTextFile(path));
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const { keyId, signature, digest } = record;
  if (typeof keyId !== 'string' || !/^pk_[0-9a-f]{16}$/.test(keyId)) {
    throw new UsageError(`${path}: keyId must be a publisher key id (pk_ and 16 hex digits)`);
  }
  if (typeof signature !== 'string' || signature === '') {
    throw new UsageError(`${path}: signature must be the base64 signature written by warden plugin sign`);
  }
  return { keyId, signature, ...(typeof digest === 'string' ? { digest } : {}) };
}

/**
 * Path segments inside the manifest file, from the library's pointer (`/manifest/a/0`) or the
 * API's dotted path (`manifest.a[0]`); undefined when the path is not in the manifest.
 */
export function manifestSegments(path: string): string[] | undefined {
  if (path === '/manifest' || path.startsWith('/manifest/')) {
    return path
      .split('/')
      .slice(2)
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  if (path === 'manifest' || path.startsWith('manifest.') || path.startsWith('manifest[')) {
    return path
      .slice('manifest'.length)
      .split(/\.|\[(\d+)\]/)
      .filter((s): s is string => s !== undefined && s !== '');
  }
  return undefined;
}

/** `manifest.a[0]`, the API's form, for either input form. */
export function displayPath(path: string): string {
  const segments = manifestSegments(path);
  if (segments === undefined) return path.replace(/^\//, '').replace(/\//g, '.');
  return segments.reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : `${out}.${s}`), 'manifest');
}

/**
 * Line and column of a manifest path in the file's text: the key of the deepest field that exists
 * (a missing field points at the object that lacks it). JSON is YAML, so the YAML parser's
 * positions serve; the value itself was read with JSON.parse.
 */
export function locateInManifest(text: string, segments: readonly string[]): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  let node: YamlNode | null = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = (pair.value as YamlNode | null) ?? null;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/** Source problems carry `l:c: ` (our checks, esbuild) or ` (l:c)` (acorn) in the message. */
function sourcePosition(message: string): { line: number; col: number; rest: string } | undefined {
  const leading = /^(\d+):(\d+): /.exec(message);
  if (leading)
    return { line: Number(leading[1]), col: Number(leading[2]), rest: message.slice(leading[0].length) };
  const trailing = / \((\d+):(\d+)\)$/.exec(message);
  // acorn counts columns from 0.
  if (trailing)
    return {
      line: Number(trailing[1]),
      col: Number(trailing[2]) + 1,
      rest: message.slice(0, trailing.index),
    };
  return undefined;
}

/**
 * `file:line:col [warning ]code message (path)`, as `warden validate` prints. For TypeScript only
 * syntax errors carry lines of the file itself; the other checks run on type-stripped output, so
 * their positions stay in the message instead of posing as the file's.
 */
export function formatPluginProblem(
  files: Pick<PluginFiles, 'manifest' | 'sourcePath' | 'language'> & { signaturePath?: string },
  problem: PluginProblemLike,
  fallbackCode: string,
  severity: 'error' | 'warning' = 'error',
): string {
  const code = `${severity === 'warning' ? 'warning ' : ''}${problem.code ?? fallbackCode}`;
  const path = displayPath(problem.path);
  const segments = manifestSegments(problem.path);
  if (segments !== undefined) {
    const { line, col } = locateInManifest(files.manifest.text, segments);
    return `${files.manifest.path}:${line}:${col} ${code} ${problem.message} (${path})`;
  }
  if (path === 'source') {
    const at = sourcePosition(problem.message);
    if (at && (files.language === 'javascript' || problem.code === 'source_syntax')) {
      return `${files.sourcePath}:${at.line}:${at.col} ${code} ${at.rest} (source)`;
    }
    return `${files.sourcePath} ${code} ${problem.message} (source)`;
  }
  const file =
    path === 'signature' && files.signaturePath !== undefined ? files.signaturePath : files.manifest.path;
  return `${file} ${code} ${problem.message} (${path})`;
}
