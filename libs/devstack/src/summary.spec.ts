import { exampleCommand, formatStackSummary, redactUrl } from './summary';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgresql://warden:s3cret@127.0.0.1:5433/warden')).toBe(
      'postgresql://warden:***@127.0.0.1:5433/warden',
    );
  });

  it('leaves a URL without a password alone and never echoes an unparsable one', () => {
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/test')).toBe(
      'postgresql://postgres@127.0.0.1:5432/test',
    );
    expect(redactUrl('not a url :: secret')).toBe('(unparsable URL)');
  });
});

describe('exampleCommand', () => {
  it('needs no --api flag on the default port and names the API otherwise', () => {
    expect(exampleCommand('http://127.0.0.1:3000')).toBe(
      'npm run warden -- run examples/hello-world.yaml --input name=Ada',
    );
    expect(exampleCommand('http://127.0.0.1:41234')).toMatch(/--api http:\/\/127\.0\.0\.1:41234$/);
  });
});

describe('formatStackSummary', () => {
  const base = {
    apiUrl: 'http://127.0.0.1:3000',
    temporalAddress: '127.0.0.1:7233',
    temporalNamespace: 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
    databaseUrl: 'postgresql://warden:pw@127.0.0.1:5433/warden',
    databaseSource: 'embedded' as const,
    dataDir: '/repo/.warden/data',
  };

  it('prints the API, OpenAPI UI, Temporal Web UI and the example, without the password', () => {
    const text = formatStackSummary(base).join('\n');
    expect(text).toContain('API              http://127.0.0.1:3000');
    expect(text).toContain('OpenAPI UI       http://127.0.0.1:3000/docs');
    expect(text).toContain('Temporal Web UI  http://127.0.0.1:8233');
    expect(text).toContain('npm run warden -- run examples/hello-world.yaml --input name=Ada');
    expect(text).not.toContain(':pw@');
  });

  it('points to the external server when Temporal was not started here', () => {
    const text = formatStackSummary({ ...base, temporalUiUrl: undefined, databaseSource: 'env' }).join('\n');
    expect(text).toContain('external server at 127.0.0.1:7233');
    expect(text).toContain('(from DATABASE_URL)');
  });
});
