/**
 * Sealing a definition's secrets for the version being written, with the real FieldCipher over
 * an in-memory key store: what is stored, what is shown, what is refused, and how a later
 * version keeps or compares them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { FieldCipher, InMemoryDataKeyStore, KeyRing, LocalKeyProvider } from '@warden/crypto';
import { parseWorkflow, type WorkflowDefinition } from '@warden/definition';
import { sourceChecksum, type WorkflowVersionEntity } from '@warden/persistence';
import { WorkflowError } from './workflows.errors';
import { WorkflowSecretsService, type VersionRef } from './workflow-secrets.service';
import {
  hiddenDefinition,
  secretConfigWithPrevious,
  secretSlots,
  storedSecrets,
  straySecretProblems,
} from './workflow-secrets';

const TOKEN = 'tok-5f3c9a77';
const API_KEY = 'key-0c1d2e3f';

const source = (token = TOKEN): string =>
  [
    'name: s',
    'version: 1',
    'steps:',
    '  - id: sh',
    '    type: shell',
    '    command: env',
    `    env: { TOKEN: { value: ${token}, secret: true }, PLAIN: x }`,
    '  - id: p',
    '    type: plugin',
    '    plugin: acme.x@^1',
    `    config: { apiKey: ${API_KEY}, region: eu }`,
    '',
  ].join('\n');

const parsed = (text: string): WorkflowDefinition => {
  const { definition, problems } = parseWorkflow(text);
  expect(problems).toEqual([]);
  return definition!;
};

const SECRET_CONFIG = new Map([['p', ['apiKey']]]);

function aService(): { service: WorkflowSecretsService; cipher: FieldCipher } {
  const ring = new KeyRing({
    provider: new LocalKeyProvider(randomBytes(32)),
    store: new InMemoryDataKeyStore(),
  });
  const cipher = new FieldCipher(ring);
  return { service: new WorkflowSecretsService(cipher), cipher };
}

function stored(
  at: VersionRef,
  version: { source: string; definition: WorkflowDefinition },
): WorkflowVersionEntity {
  return {
    id: randomUUID(),
    tenantId: at.tenantId,
    workflowId: at.workflowId,
    version: at.version,
    source: version.source,
    format: 'yaml',
    definition: version.definition,
    checksum: sourceChecksum(version.source),
    createdAt: new Date(),
  };
}

describe('secretSlots', () => {
  it('finds env and header secrets and the writeOnly config properties, with their paths', () => {
    const slots = secretSlots(parsed(source()), SECRET_CONFIG);
    expect(slots.map((s) => [s.key, s.path, s.plaintext, s.sourcePath])).toEqual([
      ['env.TOKEN', 'steps[0].env.TOKEN', TOKEN, ['steps', 0, 'env', 'TOKEN', 'value']],
      ['config.apiKey', 'steps[1].config.apiKey', JSON.stringify(API_KEY), ['steps', 1, 'config', 'apiKey']],
    ]);
    expect(secretSlots(parsed(source()), new Map())).toHaveLength(1);
  });

  it('refuses a secret-shaped config value the schema does not mark writeOnly', () => {
    const definition = parsed(source().replace('region: eu', 'region: { secret: true, ciphertext: wdn1.x }'));
    expect(straySecretProblems(definition, SECRET_CONFIG)).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: 'steps[1].config.region' }),
    ]);
  });
});

describe('WorkflowSecretsService', () => {
  const at: VersionRef = { tenantId: randomUUID(), workflowId: randomUUID(), version: 1 };

  it('seals each secret for its version and field and masks its text in the source', async () => {
    const { service, cipher } = aService();
    const text = source();
    const version = await service.seal({ text, format: 'yaml' }, parsed(text), SECRET_CONFIG, at);
    const json = JSON.stringify(version);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(API_KEY);
    expect(version.source).toContain('env: { TOKEN: { value: "<secret>", secret: true }, PLAIN: x }');
    expect(version.source).toContain('config: { apiKey: "<secret>", region: eu }');
    const sealed = storedSecrets(version.definition);
    expect(sealed.map((s) => s.field)).toEqual(['steps.sh.env.TOKEN', 'steps.p.config.apiKey']);
    const context = { tenantId: at.tenantId, table: 'workflow_versions', recordId: `${at.workflowId}@1` };
    expect(await cipher.decrypt({ ...context, field: 'steps.sh.env.TOKEN' }, sealed[0]!.ciphertext)).toBe(
      TOKEN,
    );
    // Bound to the version: the same ciphertext read as version 2's does not open.
    await expect(
      cipher.decrypt(
        { ...context, recordId: `${at.workflowId}@2`, field: 'steps.sh.env.TOKEN' },
        sealed[0]!.ciphertext,
      ),
    ).rejects.toMatchObject({ code: 'ciphertext_context_mismatch' });
    expect(
      hiddenDefinition(version.definition).steps.map((s) => [
        Reflect.get(s, 'env'),
        Reflect.get(s, 'config'),
      ]),
    ).toEqual([
      [{ TOKEN: { secret: true }, PLAIN: 'x' }, undefined],
      [undefined, { apiKey: { secret: true }, region: 'eu' }],
    ]);
  });

  it('leaves a definition without secrets exactly as written', async () => {
    const text = 'name: s\nversion: 1\nsteps: [{ id: a, type: noop }]\n';
    const definition = parsed(text);
    const version = await aService().service.seal({ text, format: 'yaml' }, definition, new Map(), at);
    expect(version).toEqual({ source: text, format: 'yaml', definition });
  });

  it('refuses the placeholder with no value to keep, and an aliased config secret', async () => {
    const { service } = aService();
    const placeholder = source('"<secret>"');
    await expect(
      service.seal({ text: placeholder, format: 'yaml' }, parsed(placeholder), SECRET_CONFIG, at),
    ).rejects.toMatchObject({
      code: 'invalid_definition',
      details: {
        problems: [expect.objectContaining({ code: 'secret_placeholder', path: 'steps[0].env.TOKEN' })],
      },
    });
    const aliased = source().replace(`apiKey: ${API_KEY}`, 'apiKey: *k').replace('PLAIN: x', 'PLAIN: &k x');
    const refused = await service
      .seal({ text: aliased, format: 'yaml' }, parsed(aliased), SECRET_CONFIG, at)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowError);
    expect(refused).toMatchObject({
      details: {
        problems: [expect.objectContaining({ code: 'secret_not_literal', path: 'steps[1].config.apiKey' })],
      },
    });
  });

  it('keeps the previous values where the placeholder is written, and compares a PUT of the same file', async () => {
    const { service } = aService();
    const text = source();
    const first = stored(at, await service.seal({ text, format: 'yaml' }, parsed(text), SECRET_CONFIG, at));
    const previous = service.previous(at.tenantId, at.workflowId, first);

    // The GET's masked source, sent back: same secrets, same version.
    const fromGet = await service.keepPrevious(parsed(first.source), first, previous);
    expect(secretSlots(fromGet, SECRET_CONFIG).map((s) => s.plaintext)).toEqual([
      TOKEN,
      JSON.stringify(API_KEY),
    ]);
    expect(await service.sameAs({ text: first.source, format: 'yaml' }, fromGet, first, previous)).toBe(true);
    // The original file: the same too.
    expect(await service.sameAs({ text, format: 'yaml' }, parsed(text), first, previous)).toBe(true);
    // A new secret value with an unchanged rest of the file: a change.
    const changed = source('tok-other-value');
    expect(await service.sameAs({ text: changed, format: 'yaml' }, parsed(changed), first, previous)).toBe(
      false,
    );
  });

  it('keeps a restored config secret sealed when the new pin no longer marks it writeOnly', async () => {
    const { service } = aService();
    const text = source();
    const first = stored(at, await service.seal({ text, format: 'yaml' }, parsed(text), SECRET_CONFIG, at));
    const previous = service.previous(at.tenantId, at.workflowId, first);
    const restored = await service.keepPrevious(parsed(first.source), first, previous);

    // The plugin's next version dropped `writeOnly` from apiKey: its pins mark nothing secret.
    const next = { ...at, version: at.version + 1 };
    const noLongerMarked = new Map<string, string[]>();
    const sealed = await service.seal(
      { text: first.source, format: 'yaml' },
      restored,
      secretConfigWithPrevious(noLongerMarked, first.definition),
      next,
    );
    expect(JSON.stringify(sealed.definition)).not.toContain(API_KEY);
    expect(sealed.source).not.toContain(API_KEY);
  });
});
