import { appDatabaseUrl, DEFAULT_APP_ROLE } from './app-role';

describe('appDatabaseUrl', () => {
  it('keeps host, port, database and parameters, and swaps the credentials for the app role', () => {
    expect(appDatabaseUrl('postgresql://owner:secret@db.internal:6432/warden?sslmode=require')).toBe(
      `postgresql://${DEFAULT_APP_ROLE}@db.internal:6432/warden?sslmode=require`,
    );
    expect(appDatabaseUrl('postgres://owner@127.0.0.1:5432/w', 'svc', 'p@ss:w%rd/')).toBe(
      'postgres://svc:p%40ss%3Aw%25rd%2F@127.0.0.1:5432/w',
    );
  });

  it('round-trips a password with URL metacharacters', () => {
    const url = new URL(appDatabaseUrl('postgresql://o@h/d', 'r', 'a b@c:%41'));
    expect(decodeURIComponent(url.password)).toBe('a b@c:%41');
  });
});
