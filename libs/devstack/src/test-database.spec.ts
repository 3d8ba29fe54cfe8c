import { Client } from 'pg';
import { connectionUrl, machineServerConfig, testDatabaseName } from './test-database';

describe('machineServerConfig', () => {
  it('defaults to the local server, database test, user postgres', () => {
    expect(machineServerConfig({})).toEqual({
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: undefined,
      database: 'test',
    });
  });

  it('follows the PG* variables', () => {
    const env = { PGHOST: 'db', PGPORT: '6543', PGUSER: 'ci', PGPASSWORD: 'pw', PGDATABASE: 'postgres' };
    expect(machineServerConfig(env)).toEqual({
      host: 'db',
      port: 6543,
      user: 'ci',
      password: 'pw',
      database: 'postgres',
    });
  });
});

describe('testDatabaseName', () => {
  it('is a safe identifier that carries the time and a random suffix', () => {
    const name = testDatabaseName(new Date(1700000000000), 'a1b2c3d4');
    expect(name).toBe('warden_test_1700000000000_a1b2c3d4');
    expect(testDatabaseName()).toMatch(/^warden_test_\d+_[0-9a-f]{8}$/);
    expect(testDatabaseName()).not.toBe(testDatabaseName());
  });
});

describe('connectionUrl', () => {
  it('escapes credentials', () => {
    const url = connectionUrl({ host: '127.0.0.1', port: 5432, user: 'po@st', password: 'p/w:1' }, 'db1');
    expect(url).toBe('postgresql://po%40st:p%2Fw%3A1@127.0.0.1:5432/db1');
  });

  it('passes a socket folder as the host parameter', () => {
    expect(connectionUrl({ host: '/var/run/postgresql', port: 5432, user: 'postgres' }, 'db1')).toBe(
      'postgresql://postgres@localhost:5432/db1?host=%2Fvar%2Frun%2Fpostgresql',
    );
    // pg reads it back as a socket connection (constructing a Client does not connect).
    const client = new Client(
      connectionUrl({ host: '/var/run/postgresql', port: 5432, user: 'postgres' }, 'db1'),
    );
    expect([client.host, client.port, client.database]).toEqual(['/var/run/postgresql', 5432, 'db1']);
  });
});
