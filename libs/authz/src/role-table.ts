/**
 * Renders the built-in role table of docs/permissions.md from the code, so the docs cannot
 * drift: a unit test compares this output with the file.
 */
import { PERMISSIONS } from './catalog';
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES } from './roles';

export const ROLE_TABLE_START = '<!-- role-table:start (generated from libs/authz/src/roles.ts) -->';
export const ROLE_TABLE_END = '<!-- role-table:end -->';

const GRANTED = '✓';

/** A Markdown table, permissions down, built-in roles across, padded the way Prettier pads it. */
export function renderRoleTable(): string {
  const headers = ['Permission', ...BUILT_IN_ROLE_KEYS.map((key) => BUILT_IN_ROLES[key].name)];
  const rows = PERMISSIONS.map((permission) => [
    `\`${permission}\``,
    ...BUILT_IN_ROLE_KEYS.map((key) => (BUILT_IN_ROLES[key].permissions.includes(permission) ? GRANTED : '')),
  ]);
  const widths = headers.map((header, i) => Math.max(3, header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
