import semver from 'semver';
import { PluginError } from './errors';
import type { PluginStatus } from './types';

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
export const MAX_PLUGIN_ID_LENGTH = 100;
const MAX_VERSION_LENGTH = 64;
const MAX_RANGE_LENGTH = 100;

export function isPluginId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_PLUGIN_ID_LENGTH && PLUGIN_ID_PATTERN.test(id);
}

/** Strict: `1.2.3` or `1.2.3-rc.1+build`, not `v1.2.3` or `=1.2.3`, which semver would clean up. */
export function isStrictSemver(version: unknown): version is string {
  return (
    typeof version === 'string' && version.length <= MAX_VERSION_LENGTH && semver.valid(version) === version
  );
}

/** `acme.x@^1.2` -> `{ id: 'acme.x', range: '^1.2' }`. The range is required: steps pin a major. */
export function parsePluginRef(ref: string): { id: string; range: string } {
  if (typeof ref !== 'string' || ref.length > MAX_PLUGIN_ID_LENGTH + 1 + MAX_RANGE_LENGTH) {
    throw new PluginError('plugin_ref_invalid', 'plugin reference must be a string like "acme.notify@^1.2"');
  }
  const at = ref.indexOf('@');
  if (at < 0) {
    throw new PluginError(
      'plugin_ref_invalid',
      `plugin reference "${ref}" needs a version range, e.g. "${ref}@^1.0"`,
    );
  }
  const id = ref.slice(0, at);
  const range = ref.slice(at + 1).trim();
  if (!isPluginId(id)) {
    throw new PluginError('plugin_ref_invalid', `"${id}" is not a plugin id like "acme.slack-notify"`);
  }
  if (range === '' || range.length > MAX_RANGE_LENGTH || semver.validRange(range) === null) {
    throw new PluginError('plugin_ref_invalid', `"${range}" is not a semver range`);
  }
  return { id, range };
}

/**
 * Highest published version satisfying the range. DRAFT versions are never picked; DEPRECATED
 * ones still are, so existing workflows keep resolving while their authors migrate.
 */
export function resolveVersion<V extends { version: string; status: PluginStatus }>(
  range: string,
  versions: readonly V[],
): V | undefined {
  let best: V | undefined;
  for (const candidate of versions) {
    if (candidate.status === 'DRAFT' || !isStrictSemver(candidate.version)) continue;
    if (!semver.satisfies(candidate.version, range)) continue;
    if (best === undefined || semver.gt(candidate.version, best.version)) best = candidate;
  }
  return best;
}

/** Versions only go up per plugin, so a pinned `1.4.0` can never silently mean other code. */
export function assertNewerVersion(next: string, existing: readonly string[]): void {
  if (!isStrictSemver(next)) {
    throw new PluginError(
      'version_invalid',
      `"${String(next)}" is not a strict semver version like 1.2.3`,
      '/manifest/version',
    );
  }
  const highest = existing.filter((v) => semver.valid(v) !== null).sort(semver.rcompare)[0];
  if (highest !== undefined && !semver.gt(next, highest)) {
    throw new PluginError(
      'version_not_increasing',
      `version ${next} must be greater than the latest published ${highest}`,
      '/manifest/version',
    );
  }
}
