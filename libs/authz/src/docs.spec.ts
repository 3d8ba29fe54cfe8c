import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthzErrorCode } from './authz.errors';
import { BUILT_IN_ROLES } from './roles';
import { renderRoleTable, ROLE_TABLE_END, ROLE_TABLE_START } from './role-table';

/** Typed as a record so adding an AuthzErrorCode without listing it here fails to compile. */
const ALL_CODES: Record<AuthzErrorCode, true> = {
  role_unknown: true,
  role_cycle: true,
  role_key_reserved: true,
  role_duplicate: true,
  role_invalid: true,
  permission_unknown: true,
  grant_invalid: true,
  principal_invalid: true,
  permission_denied: true,
  escalation: true,
  owner_protected: true,
  last_owner: true,
};

const docs = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'permissions.md'), 'utf8');

/** The table as cells, so column padding does not matter but every cell does. */
const cells = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()));

describe('docs/permissions.md', () => {
  it('shows the built-in role table exactly as the code defines it', () => {
    const start = docs.indexOf(ROLE_TABLE_START);
    const end = docs.indexOf(ROLE_TABLE_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const documented = docs.slice(start + ROLE_TABLE_START.length, end);
    expect(cells(documented)).toEqual(cells(renderRoleTable()));
  });

  it.each(Object.values(BUILT_IN_ROLES).map((role) => [role.name, role.description]))(
    'describes the %s role as the code does',
    (name, description) => {
      expect(docs).toMatch(
        new RegExp(`^\\| ${name} +\\| ${description.replace(/[.;()]/g, '\\$&')} +\\|`, 'm'),
      );
    },
  );

  it.each(Object.keys(ALL_CODES))('has a row for error code %s', (code) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });
});
