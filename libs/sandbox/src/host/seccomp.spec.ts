import { readFileSync } from 'node:fs';
import {
  REFUSED_SYSCALLS_AARCH64,
  REFUSED_SYSCALLS_X86_64,
  SECCOMP_RESULTS,
  evaluateSeccompFilter,
  seccompFilter,
} from './seccomp';

const filter = seccompFilter('x64')!;
const run = (nr: number, arch: number = SECCOMP_RESULTS.archX86_64): number =>
  evaluateSeccompFilter(filter, arch, nr);

describe('sandbox seccomp filter', () => {
  it('refuses every listed call with EPERM', () => {
    for (const [name, nr] of Object.entries(REFUSED_SYSCALLS_X86_64)) {
      expect([name, run(nr)]).toEqual([name, SECCOMP_RESULTS.eperm]);
    }
  });

  it('lets through what node and isolated-vm use', () => {
    // read, write, mmap, mprotect, clone, execve, futex, epoll_wait, clone3, membarrier
    for (const nr of [0, 1, 9, 10, 56, 59, 202, 232, 435, 324]) expect(run(nr)).toBe(SECCOMP_RESULTS.allow);
  });

  it('kills a call from the x32 ABI or another architecture', () => {
    expect(run(0x40000000 + 101)).toBe(SECCOMP_RESULTS.kill);
    expect(run(0x40000000)).toBe(SECCOMP_RESULTS.kill);
    // i386 (AUDIT_ARCH_I386): its numbers mean other calls.
    expect(run(26, 0x40000003)).toBe(SECCOMP_RESULTS.kill);
  });

  it('has a table for aarch64, where the same calls are refused and x86_64 calls killed', () => {
    const arm = seccompFilter('arm64')!;
    for (const [name, nr] of Object.entries(REFUSED_SYSCALLS_AARCH64)) {
      expect([name, evaluateSeccompFilter(arm, SECCOMP_RESULTS.archAarch64, nr)]).toEqual([
        name,
        SECCOMP_RESULTS.eperm,
      ]);
    }
    // read, write, mmap, clone, execve, futex on aarch64
    for (const nr of [63, 64, 222, 220, 221, 98]) {
      expect(evaluateSeccompFilter(arm, SECCOMP_RESULTS.archAarch64, nr)).toBe(SECCOMP_RESULTS.allow);
    }
    expect(evaluateSeccompFilter(arm, SECCOMP_RESULTS.archX86_64, 0)).toBe(SECCOMP_RESULTS.kill);
    // Every x86_64 name either has its aarch64 number or never existed there.
    const x86Only = ['uselib', '_sysctl', 'iopl', 'ioperm', 'create_module', 'get_kernel_syms'];
    const missing = Object.keys(REFUSED_SYSCALLS_X86_64).filter((n) => !(n in REFUSED_SYSCALLS_AARCH64));
    expect(missing.sort()).toEqual([...x86Only, 'query_module', 'nfsservctl'].sort());
  });

  it('has no table, so no filter, for other architectures', () => {
    expect(seccompFilter('ppc64')).toBeUndefined();
  });

  it.each([
    ['x86_64', REFUSED_SYSCALLS_X86_64, '/usr/include/x86_64-linux-gnu/asm/unistd_64.h'],
    ['aarch64', REFUSED_SYSCALLS_AARCH64, '/usr/include/asm-generic/unistd.h'],
  ])("uses the kernel's %s numbers (checked against its header)", (_arch, table, headerPath) => {
    const header = readFileSync(headerPath, 'utf8');
    for (const [name, nr] of Object.entries(table)) {
      expect([name, new RegExp(`#define __NR_${name}\\s+(\\d+)\\b`).exec(header)?.[1]]).toEqual([
        name,
        String(nr),
      ]);
    }
  });
});
