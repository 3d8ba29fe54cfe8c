import { bwrapArgv } from './os-sandbox';

describe('bwrapArgv', () => {
  const argv = bwrapArgv({
    bwrapPath: '/usr/bin/bwrap',
    rootEntries: [{ path: '/lib', symlinkTo: 'usr/lib' }, { path: '/lib64' }, { path: '/etc/ld.so.cache' }],
    roBinds: ['/opt/node/bin/node', '/repo/.warden/build/child.js'],
    command: ['/usr/bin/node', '--no-node-snapshot', 'child.js'],
  });
  const joined = argv.join(' ');

  it('unshares every namespace, drops privileges and clears the environment', () => {
    for (const flag of [
      '--unshare-all',
      '--unshare-user',
      '--disable-userns',
      '--uid 65534',
      '--gid 65534',
      '--die-with-parent',
      '--new-session',
      '--clearenv',
      '--cap-drop ALL',
    ]) {
      expect(joined).toContain(flag);
    }
    expect(argv).not.toContain('--share-net');
  });

  it('mounts /proc, /dev and a private /tmp before binding files, and remounts the root read-only', () => {
    const tmp = joined.indexOf('--tmpfs /tmp');
    expect(joined.indexOf('--proc /proc')).toBeLessThan(tmp);
    expect(tmp).toBeLessThan(joined.indexOf('--ro-bind /repo/.warden/build/child.js'));
    expect(joined).toContain('--remount-ro /');
  });

  it('binds only read-only: /usr, library folders, symlinks as symlinks, and the given files', () => {
    expect(joined).toContain('--ro-bind /usr /usr');
    expect(joined).toContain('--symlink usr/lib /lib');
    expect(joined).toContain('--ro-bind /lib64 /lib64');
    expect(joined).toContain('--ro-bind /etc/ld.so.cache /etc/ld.so.cache');
    expect(joined).toContain('--ro-bind /opt/node/bin/node /opt/node/bin/node');
    expect(argv).not.toContain('--bind');
    expect(argv).not.toContain('--dev-bind');
  });

  it('ends with the command after a -- separator', () => {
    expect(argv[0]).toBe('/usr/bin/bwrap');
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', '/usr/bin/node', '--no-node-snapshot', 'child.js']);
  });
});
