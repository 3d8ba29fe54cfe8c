import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { isolatedVmAddon, isolatedVmPackageFor } from './addon';

describe('isolated-vm line per Node', () => {
  it('serves Node 20 from 5.x and Node 22 and 24 from 6.x', () => {
    expect(isolatedVmPackageFor(20)).toBe('isolated-vm');
    expect(isolatedVmPackageFor(22)).toBe('isolated-vm-6');
    expect(isolatedVmPackageFor(24)).toBe('isolated-vm-6');
  });

  it("finds this Node's native module, installed by setup", () => {
    const major = Number(process.versions.node.split('.')[0]);
    const addon = isolatedVmAddon();
    expect(addon.packageName).toBe(isolatedVmPackageFor(major));
    expect(existsSync(addon.nativePath)).toBe(true);
    // 6.x needs no compiler: its npm package carries the modules for Node 22 and 24.
    if (major >= 22) expect(addon.nativePath).toContain(`${sep}prebuilds${sep}`);
  });
});
