/**
 * The sandbox process's seccomp filter: a classic BPF program bubblewrap loads (`--seccomp FD`)
 * before it runs node. It refuses, with EPERM, the system calls node and isolated-vm never make
 * and kernel exploits often start from: io_uring, bpf, userfaultfd, perf events, keyrings,
 * ptrace and other processes' memory, mounts, unshare and setns, modules, kexec, clocks, reboot.
 * The namespaces and dropped capabilities already refuse many of these; the filter also takes
 * away the kernel code behind them. (clone with CLONE_NEW* flags is not filtered here: the
 * disabled user namespaces and the missing capabilities refuse it.) A call from another ABI (x32, or a foreign architecture) kills
 * the process.
 *
 * Built by hand, not with libseccomp: the program is a list of comparisons, and writing it here
 * keeps the worker free of a native build step.
 */

/** System calls refused inside the sandbox, by name, with their x86_64 numbers (asm/unistd_64.h). */
export const REFUSED_SYSCALLS_X86_64: Readonly<Record<string, number>> = {
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  vhangup: 153,
  pivot_root: 155,
  _sysctl: 156,
  adjtimex: 159,
  chroot: 161,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  sethostname: 170,
  setdomainname: 171,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  get_kernel_syms: 177,
  query_module: 178,
  quotactl: 179,
  nfsservctl: 180,
  lookup_dcookie: 212,
  clock_settime: 227,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_getfd: 438,
  mount_setattr: 442,
  quotactl_fd: 443,
};

/**
 * The same calls on aarch64 (the generic table, asm-generic/unistd.h), without the ones that
 * architecture never had (uselib, _sysctl, iopl, ioperm, the old module calls, nfsservctl).
 */
export const REFUSED_SYSCALLS_AARCH64: Readonly<Record<string, number>> = {
  ptrace: 117,
  syslog: 116,
  vhangup: 58,
  pivot_root: 41,
  adjtimex: 171,
  chroot: 51,
  acct: 89,
  settimeofday: 170,
  mount: 40,
  umount2: 39,
  swapon: 224,
  swapoff: 225,
  reboot: 142,
  sethostname: 161,
  setdomainname: 162,
  init_module: 105,
  delete_module: 106,
  quotactl: 60,
  lookup_dcookie: 18,
  clock_settime: 112,
  kexec_load: 104,
  add_key: 217,
  request_key: 218,
  keyctl: 219,
  unshare: 97,
  perf_event_open: 241,
  fanotify_init: 262,
  name_to_handle_at: 264,
  open_by_handle_at: 265,
  clock_adjtime: 266,
  setns: 268,
  process_vm_readv: 270,
  process_vm_writev: 271,
  kcmp: 272,
  finit_module: 273,
  kexec_file_load: 294,
  bpf: 280,
  userfaultfd: 282,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_getfd: 438,
  mount_setattr: 442,
  quotactl_fd: 443,
};

// Classic BPF opcodes (linux/bpf_common.h) and seccomp's constants (linux/seccomp.h, audit.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** x32 system calls carry this bit in their number on x86_64. */
const X32_SYSCALL_BIT = 0x40000000;
/** Offsets in struct seccomp_data. */
const DATA_NR = 0;
const DATA_ARCH = 4;

interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Per architecture (process.arch): its AUDIT_ARCH, its table, and whether x32 calls exist. */
const ARCHITECTURES: Readonly<
  Record<string, { auditArch: number; refused: Readonly<Record<string, number>>; x32: boolean }>
> = {
  x64: { auditArch: AUDIT_ARCH_X86_64, refused: REFUSED_SYSCALLS_X86_64, x32: true },
  arm64: { auditArch: AUDIT_ARCH_AARCH64, refused: REFUSED_SYSCALLS_AARCH64, x32: false },
};

/** The filter for `arch` (process.arch), or undefined where Warden has no syscall table for it. */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
  const spec = ARCHITECTURES[arch];
  if (!spec) return undefined;
  const refused = [...new Set(Object.values(spec.refused))];
  // Layout: arch check, load nr, (x32 check), one comparison per refused call, then the three
  // returns: allow, EPERM, kill. Jump offsets count instructions after the jump.
  const compareStart = spec.x32 ? 4 : 3;
  const allowAt = compareStart + refused.length;
  const denyAt = allowAt + 1;
  const killAt = allowAt + 2;
  const program: Instruction[] = [
    { code: LD_W_ABS, jt: 0, jf: 0, k: DATA_ARCH },
    { code: JEQ_K, jt: 0, jf: killAt - 2, k: spec.auditArch },
    { code: LD_W_ABS, jt: 0, jf: 0, k: DATA_NR },
    ...(spec.x32 ? [{ code: JSET_K, jt: killAt - 4, jf: 0, k: X32_SYSCALL_BIT }] : []),
    ...refused.map((nr, i) => ({ code: JEQ_K, jt: denyAt - (compareStart + i + 1), jf: 0, k: nr })),
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW },
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM },
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_KILL_PROCESS },
  ];
  // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } in the host's byte order.
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    if (insn.jt > 255 || insn.jf > 255) throw new Error('seccomp filter: jump out of range');
    bytes.writeUInt16LE(insn.code, i * 8);
    bytes.writeUInt8(insn.jt, i * 8 + 2);
    bytes.writeUInt8(insn.jf, i * 8 + 3);
    bytes.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return bytes;
}

/** What the filter returns for one call: a small interpreter of the program, for tests. */
export function evaluateSeccompFilter(filter: Buffer, arch: number, nr: number): number {
  const data = Buffer.alloc(16);
  data.writeUInt32LE(nr >>> 0, DATA_NR);
  data.writeUInt32LE(arch >>> 0, DATA_ARCH);
  let accumulator = 0;
  for (let pc = 0; pc * 8 < filter.length; pc++) {
    const code = filter.readUInt16LE(pc * 8);
    const jt = filter.readUInt8(pc * 8 + 2);
    const jf = filter.readUInt8(pc * 8 + 3);
    const k = filter.readUInt32LE(pc * 8 + 4);
    if (code === LD_W_ABS) accumulator = data.readUInt32LE(k);
    else if (code === JEQ_K) pc += accumulator === k ? jt : jf;
    else if (code === JSET_K) pc += (accumulator & k) !== 0 ? jt : jf;
    else if (code === RET_K) return k;
    else throw new Error(`unknown BPF instruction ${code}`);
  }
  throw new Error('the filter fell off its end');
}

export const SECCOMP_RESULTS = {
  allow: SECCOMP_RET_ALLOW,
  eperm: SECCOMP_RET_ERRNO | EPERM,
  kill: SECCOMP_RET_KILL_PROCESS,
  archX86_64: AUDIT_ARCH_X86_64,
  archAarch64: AUDIT_ARCH_AARCH64,
} as const;
