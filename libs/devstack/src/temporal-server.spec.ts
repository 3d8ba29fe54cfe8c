import { startDevArgs } from './temporal-server';

describe('startDevArgs', () => {
  it('binds to loopback, runs headless and in memory by default', () => {
    expect(startDevArgs({ port: 7233, ui: false, namespace: 'default' })).toEqual([
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      '7233',
      '--log-format',
      'text',
      '--headless',
      '--dynamic-config-value',
      'history.transferProcessorMaxPollRPS=1000',
    ]);
  });

  it('adds the UI port, the database file, an extra namespace and extra arguments', () => {
    const args = startDevArgs({
      port: 7300,
      ui: true,
      uiPort: 8300,
      dbFilename: '/data/temporal.db',
      namespace: 'acme',
      extraArgs: ['--dynamic-config-value', 'x=1'],
    });
    expect(args).not.toContain('--headless');
    expect(args.join(' ')).toContain('--ui-port 8300 --db-filename /data/temporal.db --namespace acme');
    expect(args.slice(-2)).toEqual(['--dynamic-config-value', 'x=1']);
  });

  it('points the Web UI at a codec endpoint, and only when the UI runs', () => {
    const endpoint = 'http://127.0.0.1:3000/v1/codec';
    const withUi = startDevArgs({ port: 1, ui: true, uiCodecEndpoint: endpoint, namespace: 'default' });
    expect(withUi.join(' ')).toContain(`--ui-codec-endpoint ${endpoint}`);
    const headless = startDevArgs({ port: 1, ui: false, uiCodecEndpoint: endpoint, namespace: 'default' });
    expect(headless).not.toContain('--ui-codec-endpoint');
  });

  it('does not pass the default namespace, which the server always creates', () => {
    expect(startDevArgs({ port: 1, ui: false, namespace: 'default' })).not.toContain('--namespace');
  });
});
