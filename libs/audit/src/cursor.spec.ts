import { AuditError } from './audit.errors';
import { decodeCursor, encodeCursor } from './cursor';

describe('audit list cursor', () => {
  it('round-trips the last seq without showing it in clear', () => {
    const cursor = encodeCursor(1234);
    expect(cursor).not.toContain('1234');
    expect(decodeCursor(cursor)).toBe(1234);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('audit1:-5').toString('base64url'),
    Buffer.from('audit1:0').toString('base64url'),
    Buffer.from('other:12').toString('base64url'),
  ])('refuses %j with invalid_cursor', (cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AuditError);
    expect(thrown).toMatchObject({ code: 'invalid_cursor' });
  });
});
