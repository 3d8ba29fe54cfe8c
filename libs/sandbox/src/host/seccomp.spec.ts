import { readFileSync } from 'node:fs';
import { REFUSED_SYSCALLS_X86_64, SECCOMP_RESULTS, evaluateSeccompFilter, seccompFilter } from './seccomp';

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

  it('has no table, so no filter, for other architectures', () => {
    expect(seccompFilter('arm64')).toBeUndefined();
  });

  it("uses the kernel's numbers (checked against asm/unistd_64.h)", () => {
    const header = readFileSync('/usr/include/x86_64-linux-gnu/asm/unistd_64.h', 'utf8');
    for (const [name, nr] of Object.entries(REFUSED_SYSCALLS_X86_64)) {
      expect([name, new RegExp(`#define __NR_${name} (\\d+)`).exec(header)?.[1]]).toEqual([name, String(nr)]);
    }
  });
});
