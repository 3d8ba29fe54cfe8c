import { Redactor } from '@warden/redaction';
import { createJsonLogger } from './logger';

describe('the worker logger', () => {
  const lines: { level: string; line: string }[] = [];
  const redactor = new Redactor();
  const logger = createJsonLogger('worker', (level, line) => lines.push({ level, line }), redactor);
  beforeEach(() => (lines.length = 0));

  it('writes one JSON object per line, stderr levels apart', () => {
    logger.warn('slow poll', { ms: 12 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('warn');
    expect(JSON.parse(lines[0]!.line)).toMatchObject({
      level: 'warn',
      component: 'worker',
      message: 'slow poll',
      ms: 12,
    });
  });

  it('masks a decrypted value in the message and deep in the fields, escaped characters included', () => {
    const secret = 'pa"55\\w0rd-9';
    redactor.remember(secret);
    logger.error(`login failed with ${secret}`, { request: { headers: [`x ${secret}`] }, [secret]: 1 });
    expect(lines[0]!.line).not.toContain('w0rd');
    expect(JSON.parse(lines[0]!.line)).toMatchObject({
      message: 'login failed with ***',
      request: { headers: ['x ***'] },
      '***': 1,
    });
  });

  it('masks well-known secret shapes and secret-named fields nobody registered', () => {
    logger.info('calling https://bot:hunter2@api.example.com with Bearer abc.def', {
      password: 'plain-text',
      query: 'page=2&access_token=xyz',
    });
    expect(JSON.parse(lines[0]!.line)).toMatchObject({
      message: 'calling https://bot:***@api.example.com with Bearer ***',
      password: '***',
      query: 'page=2&access_token=***',
    });
  });
});
