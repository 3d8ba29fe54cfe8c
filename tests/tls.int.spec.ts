/**
 * TLS end to end (issue 5, section 8), with certificates the real openssl CLI makes per run:
 * the API serving HTTPS from WARDEN_TLS_*; a worker, a client and the API itself reaching
 * Temporal through a real TLS terminator (TLS, then mTLS) with settings read from TEMPORAL_TLS_*.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import {
  createWardenWorker,
  loadTemporalTlsConfig,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TYPE,
  type RunArgs,
  type RunState,
} from '@warden/engine';
import { ApiConfig, ConfigError } from '../apps/api/src/config/api.config';
import { startApiHarness, type ApiHarness } from './api-harness';
import { aWorkflow, quietRuntime, shellStep } from './engine-harness';
import { createTestPki, startTlsTerminator, type TestPki, type TlsTerminator } from './tls-fixtures';

let pki: TestPki;
let tlsProxy: TlsTerminator;
let mtlsProxy: TlsTerminator;

beforeAll(async () => {
  const upstream = process.env.TEMPORAL_ADDRESS;
  if (!upstream) throw new Error('TEMPORAL_ADDRESS is not set: run through jest (integration setup)');
  pki = await createTestPki();
  tlsProxy = await startTlsTerminator(pki, upstream, { requireClientCert: false });
  mtlsProxy = await startTlsTerminator(pki, upstream, { requireClientCert: true });
});

afterAll(async () => {
  await tlsProxy?.close();
  await mtlsProxy?.close();
  await pki?.remove();
});

interface Reply {
  status: number;
  body: string;
}

function fetchOver(get: typeof httpsGet, url: string, ca?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ...(ca === undefined ? {} : { ca }), timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

describe('the API over HTTPS', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    // Its own Temporal connection goes through the mTLS terminator: /readyz proves it connects.
    api = await startApiHarness({
      env: {
        WARDEN_TLS_CERT_FILE: pki.serverCertFile,
        WARDEN_TLS_KEY_FILE: pki.serverKeyFile,
        TEMPORAL_ADDRESS: mtlsProxy.address,
        TEMPORAL_TLS_CA_FILE: pki.caFile,
        TEMPORAL_TLS_CERT_FILE: pki.clientCertFile,
        TEMPORAL_TLS_KEY_FILE: pki.clientKeyFile,
      },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('serves HTTPS to a client that trusts the CA, and reaches Temporal over mTLS', async () => {
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(pki.caFile);
    await expect(fetchOver(httpsGet, `${api.url}/healthz`, ca)).resolves.toEqual({
      status: 200,
      body: JSON.stringify({ status: 'ok' }),
    });
    const ready = await fetchOver(httpsGet, `${api.url}/readyz`, ca);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', checks: { temporal: { ok: true } } });
    expect(ready.status).toBe(200);
    expect(mtlsProxy.clientNames).toContain('warden-worker');
  });

  it('answers no plain HTTP on that port', async () => {
    const plainUrl = `${api.url.replace('https://', 'http://')}/healthz`;
    await expect(fetchOver(httpGet, plainUrl)).rejects.toThrow();
  });

  it('is refused by a client that does not trust the CA', async () => {
    await expect(fetchOver(httpsGet, `${api.url}/healthz`)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });
});

describe('TLS settings that cannot work stop the boot, naming the variable and the file', () => {
  const base = { DATABASE_URL: 'postgres://warden@127.0.0.1:5432/warden' };

  function configError(env: Record<string, string>): ConfigError {
    try {
      ApiConfig.fromEnv({ ...base, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    throw new Error('accepted');
  }

  it('refuses half an HTTPS pair, a key of another certificate and a missing Temporal CA', () => {
    expect(configError({ WARDEN_TLS_CERT_FILE: pki.serverCertFile }).variable).toBe('WARDEN_TLS_KEY_FILE');
    const wrongKey = configError({
      WARDEN_TLS_CERT_FILE: pki.serverCertFile,
      WARDEN_TLS_KEY_FILE: pki.clientKeyFile,
    });
    expect(wrongKey.message).toBe(
      `WARDEN_TLS_KEY_FILE: ${pki.clientKeyFile} is not the key of the certificate in ${pki.serverCertFile}`,
    );
    const missing = `${pki.dir}/nope.pem`;
    expect(configError({ TEMPORAL_TLS_CA_FILE: missing }).message).toBe(
      `TEMPORAL_TLS_CA_FILE: cannot read ${missing} (ENOENT)`,
    );
  });

  it('refuses a Temporal client key that is not the certificate’s', () => {
    expect(() =>
      loadTemporalTlsConfig({
        TEMPORAL_TLS_CERT_FILE: pki.clientCertFile,
        TEMPORAL_TLS_KEY_FILE: pki.serverKeyFile,
      }),
    ).toThrow(`TEMPORAL_TLS_KEY_FILE: ${pki.serverKeyFile} is not the key of the certificate in`);
  });
});

describe('workers and clients reach Temporal through TLS', () => {
  beforeAll(() => quietRuntime());

  async function completeRun(address: string, env: Record<string, string>): Promise<RunState> {
    const tls = loadTemporalTlsConfig(env);
    expect(tls).toBeDefined();
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    const tenantId = `tls-${randomUUID().slice(0, 8)}`;
    const workerConnection = await NativeConnection.connect({ address, tls });
    const clientConnection = await Connection.connect({ address, tls });
    const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
    const worker = await createWardenWorker({
      connection: workerConnection,
      namespace,
      tenantId,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
      shutdownGraceTime: '1s',
    });
    const running = worker.run();
    try {
      const runId = randomUUID();
      const definition = aWorkflow([shellStep('hello', 'echo over tls')], { name: 'tls-test' });
      const args: RunArgs = {
        runId,
        tenantId,
        workflowId: randomUUID(),
        workflowName: definition.name,
        workflowVersion: 1,
        definition,
        inputs: {},
        profile: 'elevated',
      };
      const client = new Client({ connection: clientConnection, namespace });
      const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
        taskQueue: taskQueueFor(tenantId),
        workflowId: temporalWorkflowIdFor(runId),
        args: [args],
      });
      return (await handle.result()) as RunState;
    } finally {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
    }
  }

  it('completes a run over TLS, verifying the server against TEMPORAL_TLS_CA_FILE', async () => {
    const state = await completeRun(tlsProxy.address, { TEMPORAL_TLS_CA_FILE: pki.caFile });
    expect(state.status).toBe('succeeded');
    expect(state.steps.hello?.outputs.stdout).toBe('over tls\n');
  });

  it('completes a run over mTLS, presenting the client certificate', async () => {
    const before = mtlsProxy.clientNames.length;
    const state = await completeRun(mtlsProxy.address, {
      TEMPORAL_TLS_CA_FILE: pki.caFile,
      TEMPORAL_TLS_CERT_FILE: pki.clientCertFile,
      TEMPORAL_TLS_KEY_FILE: pki.clientKeyFile,
      // The address is 127.0.0.1; verify the certificate's DNS name instead.
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    expect(state.status).toBe('succeeded');
    expect(mtlsProxy.clientNames.length).toBeGreaterThanOrEqual(before + 2);
  });

  it('cannot connect to an mTLS server without the client pair, nor without the CA', async () => {
    const withoutPair = loadTemporalTlsConfig({ TEMPORAL_TLS_CA_FILE: pki.caFile });
    await expect(
      Connection.connect({ address: mtlsProxy.address, tls: withoutPair, connectTimeout: '3s' }),
    ).rejects.toThrow();
    await expect(
      NativeConnection.connect({ address: mtlsProxy.address, tls: withoutPair }),
    ).rejects.toThrow();
    const systemRootsOnly = loadTemporalTlsConfig({ TEMPORAL_TLS: 'true' });
    await expect(
      Connection.connect({ address: tlsProxy.address, tls: systemRootsOnly, connectTimeout: '3s' }),
    ).rejects.toThrow();
  });
});
