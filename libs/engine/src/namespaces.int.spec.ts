import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { dedicatedNamespaceFor, ensureNamespace, NamespaceError } from './namespaces';

jest.setTimeout(90_000);

let connection: Connection;

beforeAll(async () => {
  // The dev server Jest's integration setup started.
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run through the integration project');
  connection = await Connection.connect({ address });
});

afterAll(async () => {
  await connection?.close();
});

test('registers a new namespace with its retention and returns once a run can start in it', async () => {
  const namespace = dedicatedNamespaceFor(`ns-${randomUUID().slice(0, 8)}`);
  expect(await ensureNamespace(connection, namespace, { retentionDays: 3 })).toEqual({
    namespace,
    created: true,
  });

  // Usable right away: no "namespace not found" from the frontend's cache.
  const client = new Client({ connection, namespace });
  const handle = await client.workflow.start('notRegisteredAnywhere', {
    taskQueue: 'ensure-namespace-probe',
    workflowId: `probe-${randomUUID()}`,
  });
  await handle.terminate('probe only');

  const described = await connection.workflowService.describeNamespace({ namespace });
  expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 24 * 60 * 60);
});

test('an existing namespace is success, reported as not created, and keeps its retention', async () => {
  const namespace = dedicatedNamespaceFor(`ns-${randomUUID().slice(0, 8)}`);
  await ensureNamespace(connection, namespace, { retentionDays: 2 });
  expect(await ensureNamespace(connection, namespace, { retentionDays: 5 })).toEqual({
    namespace,
    created: false,
  });
  const described = await connection.workflowService.describeNamespace({ namespace });
  expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(2 * 24 * 60 * 60);
});

test('refuses a retention that is not a positive whole number of days, registering nothing', async () => {
  const namespace = dedicatedNamespaceFor(`ns-${randomUUID().slice(0, 8)}`);
  await expect(ensureNamespace(connection, namespace, { retentionDays: 0 })).rejects.toMatchObject({
    code: 'invalid_namespace_options',
  } satisfies Partial<NamespaceError>);
  await expect(connection.workflowService.describeNamespace({ namespace })).rejects.toMatchObject({
    code: 5, // NOT_FOUND
  });
});

test('a server error other than "already exists" is passed on, not swallowed', async () => {
  // The server refuses names over its length limit; the caller must see that, not a timeout.
  await expect(ensureNamespace(connection, 'x'.repeat(1100), { retentionDays: 1 })).rejects.toMatchObject({
    code: 3, // INVALID_ARGUMENT
  });
});
