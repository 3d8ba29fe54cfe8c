import { SandboxManager, createFetchBroker } from '@warden/sandbox';
import { Registry } from 'prom-client';
import { startMetricsServer } from './metrics-server';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('worker metrics endpoint', () => {
  it("serves the sandbox's metrics in Prometheus format, after a real plugin execution", async () => {
    const registry = new Registry();
    const sandbox = new SandboxManager({
      broker: createFetchBroker(),
      logger: quiet,
      metrics: registry,
      spares: 0,
    });
    const server = await startMetricsServer(registry, 0, '127.0.0.1');
    try {
      await sandbox.execute({
        tenantId: 'metrics-tenant',
        plugin: {
          id: 'acme.one',
          version: '1.0.0',
          digest: 'one',
          code: 'module.exports = { run: () => ({ one: 1 }) };',
        },
        input: {},
        config: {},
        limits: {
          memoryMb: 64,
          timeoutMs: 2000,
          cpuBudgetMs: 1000,
          maxOutputBytes: 1024,
          maxLogBytes: 1024,
          maxLogLines: 10,
          maxFetches: 0,
        },
        capabilities: { allowedHosts: [], credentials: [] },
      });
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/warden_sandbox_executions_total\{outcome="success"\} 1/);
      expect(text).toContain('warden_sandbox_execution_duration_seconds_bucket');
      expect(text).toMatch(/warden_sandbox_pool_size\{tenant="metrics-tenant"\} 1/);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      sandbox.close();
      await server.close();
    }
  });
});
