import { Redactor } from '@warden/redaction';
import { RedactingLogger } from './redacting-logger';

/** What the logger writes to stdout and stderr while `fn` runs. */
function written(fn: () => void): string {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
}

describe('RedactingLogger', () => {
  const redactor = new Redactor();
  redactor.remember('k3y-v4lue-"quoted"');

  it('masks text lines, objects and stack traces', () => {
    const logger = new RedactingLogger(redactor, { colors: false });
    const text = written(() => {
      logger.log('connecting to postgres://warden:hunter2@db:5432/warden');
      logger.warn({ headers: { authorization: 'Bearer abc.def' }, note: 'k3y-v4lue-"quoted"' });
      logger.error('failed', 'Error: boom with k3y-v4lue-"quoted"\n    at x (y.ts:1:1)', 'Ctx');
    });
    expect(text).toContain('postgres://warden:***@db:5432/warden');
    expect(text).toContain("authorization: '***'");
    expect(text).toContain('boom with ***');
    expect(text).not.toMatch(/hunter2|abc\.def|v4lue/);
  });

  it('masks JSON lines too', () => {
    const logger = new RedactingLogger(redactor, { json: true, colors: false });
    const text = written(() => {
      logger.log('token=abc123 and k3y-v4lue-"quoted"');
      logger.error('failed', 'Error: k3y-v4lue-"quoted"\n    at x (y.ts:1:1)');
    });
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 'log', message: 'token=*** and ***' });
    expect(lines[1]).toMatchObject({
      level: 'error',
      message: 'failed',
      stack: 'Error: ***\n    at x (y.ts:1:1)',
    });
  });
});
