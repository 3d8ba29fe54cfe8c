/**
 * A step's outputs from what its work returned: an object's own properties, anything else as
 * `value`. Shared by workflow code and the plugin chain activity, which renders later members'
 * templates against earlier members' outputs and must see them exactly as the workflow would.
 */
export function stepOutputsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ...(value as Record<string, unknown>) }
    : { value };
}
