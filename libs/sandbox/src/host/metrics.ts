import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface SandboxMetrics {
  registry: Registry;
  executions: Counter<'outcome'>;
  duration: Histogram<'outcome'>;
  failures: Counter<'kind'>;
  poolSize: Gauge<'tenant'>;
}

/** The sandbox's metrics, registered on `registry` (a new one when absent). */
export function sandboxMetrics(registry: Registry = new Registry()): SandboxMetrics {
  return {
    registry,
    executions: new Counter({
      name: 'warden_sandbox_executions_total',
      help: 'Plugin invocations by outcome (success or failure)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'warden_sandbox_execution_duration_seconds',
      help: 'Wall time of a plugin invocation, queueing included',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'warden_sandbox_failures_total',
      help: 'Failed plugin invocations by failure kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    poolSize: new Gauge({
      name: 'warden_sandbox_pool_size',
      help: 'Sandbox processes per tenant pool, starting ones included',
      labelNames: ['tenant'],
      registers: [registry],
    }),
  };
}
