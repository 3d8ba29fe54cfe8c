/** What `warden dev` prints once everything answers. Pure, so it is unit-tested. */
export interface StackSummary {
  apiUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Absent when Warden did not start the Temporal server (TEMPORAL_ADDRESS was given). */
  temporalUiUrl?: string;
  databaseUrl: string;
  databaseSource: 'env' | 'embedded';
  dataDir: string;
}

/** The URL with its password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The API port `warden run` talks to when no --api is given. */
export const DEFAULT_API_PORT = 3000;

export function exampleCommand(apiUrl: string): string {
  const base = 'npm run warden -- run examples/hello-world.yaml --input name=Ada';
  return new URL(apiUrl).port === String(DEFAULT_API_PORT) ? base : `${base} --api ${apiUrl}`;
}

export function formatStackSummary(s: StackSummary): string[] {
  const temporalUi = s.temporalUiUrl ?? `(external server at ${s.temporalAddress}: use its own Web UI)`;
  const database = `${redactUrl(s.databaseUrl)}${s.databaseSource === 'env' ? ' (from DATABASE_URL)' : ''}`;
  return [
    'Warden is up.',
    `  API              ${s.apiUrl}`,
    `  OpenAPI UI       ${s.apiUrl}/docs`,
    `  Temporal Web UI  ${temporalUi}`,
    `  Temporal gRPC    ${s.temporalAddress} (namespace ${s.temporalNamespace})`,
    `  PostgreSQL       ${database}`,
    `  Data folder      ${s.dataDir}`,
    '',
    'Run an example (in another terminal):',
    `  ${exampleCommand(s.apiUrl)}`,
    '',
    'Press Ctrl-C to stop.',
  ];
}
