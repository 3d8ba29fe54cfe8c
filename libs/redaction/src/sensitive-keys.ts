/**
 * Names whose value is a secret whatever it looks like: `password=...` in a query string,
 * `"clientSecret": "..."` in JSON, a `token` field of a logged object. Matched on the name
 * lower-cased without `_` and `-`, by suffix, so `db_password` and `X-Api-Key` count too.
 */
const SECRET_NAME_SUFFIXES = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'authorization',
] as const;

/** Whole names only: as suffixes they would catch `config` or `oauth` fields. */
const SECRET_NAMES: ReadonlySet<string> = new Set(['auth', 'sig', 'signature']);

export function isSecretName(name: string): boolean {
  if (name.length > 128) return false;
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_NAMES.has(key) || SECRET_NAME_SUFFIXES.some((suffix) => key.endsWith(suffix));
}
