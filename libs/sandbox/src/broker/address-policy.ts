import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Which IP addresses ctx.fetch may connect to. The default refuses everything that is not a
 * public unicast address, so a plugin cannot reach the worker's own network (SSRF): private,
 * loopback, link-local, unique-local, CGNAT, multicast, unspecified, benchmark, documentation and
 * reserved ranges, IPv4 embedded in IPv6 (mapped, NAT64) when the embedded address is refused,
 * and cloud metadata endpoints.
 */
export interface AddressPolicy {
  /** Why the address is refused, or undefined when it may be connected to. */
  refusalReason(address: string): string | undefined;
}

export interface AddressPolicyOptions {
  /**
   * CIDRs (or single addresses) an operator permits although they are internal, for on-prem
   * services the plugins must reach (e.g. `['10.20.0.0/16']`). Metadata addresses stay refused
   * whatever this says: they hand out the machine's cloud credentials.
   */
  allowAddresses?: readonly string[];
}

type Family = 'ipv4' | 'ipv6';

interface NamedRange {
  cidr: string;
  label: string;
}

/** Cloud instance metadata and credential endpoints (AWS, AWS IPv6, ECS, Alibaba, Oracle). */
export const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254',
  '169.254.170.2',
  'fd00:ec2::254',
  '100.100.100.200',
  '192.0.0.192',
];

// Most specific first, so the message names the narrowest range.
export const REFUSED_RANGES: readonly NamedRange[] = [
  { cidr: '0.0.0.0/8', label: 'unspecified' },
  { cidr: '10.0.0.0/8', label: 'private' },
  { cidr: '100.64.0.0/10', label: 'CGNAT' },
  { cidr: '127.0.0.0/8', label: 'loopback' },
  { cidr: '169.254.0.0/16', label: 'link-local' },
  { cidr: '172.16.0.0/12', label: 'private' },
  { cidr: '192.0.0.0/24', label: 'IETF protocol assignment' },
  { cidr: '192.0.2.0/24', label: 'documentation' },
  { cidr: '192.88.99.0/24', label: '6to4 relay' },
  { cidr: '192.168.0.0/16', label: 'private' },
  { cidr: '198.18.0.0/15', label: 'benchmark' },
  { cidr: '198.51.100.0/24', label: 'documentation' },
  { cidr: '203.0.113.0/24', label: 'documentation' },
  { cidr: '224.0.0.0/4', label: 'multicast' },
  { cidr: '240.0.0.0/4', label: 'reserved' },
  { cidr: '::/128', label: 'unspecified' },
  { cidr: '::1/128', label: 'loopback' },
  { cidr: '::/96', label: 'IPv4-compatible (deprecated)' },
  { cidr: '100::/64', label: 'discard-only' },
  { cidr: '64:ff9b:1::/48', label: 'local-use NAT64' },
  { cidr: '2001:db8::/32', label: 'documentation' },
  { cidr: '2001::/23', label: 'IETF protocol assignment' },
  { cidr: '2002::/16', label: '6to4' },
  { cidr: '3fff::/20', label: 'documentation' },
  { cidr: 'fc00::/7', label: 'unique-local' },
  { cidr: 'fe80::/10', label: 'link-local' },
  { cidr: 'fec0::/10', label: 'site-local' },
  { cidr: 'ff00::/8', label: 'multicast' },
];

export function createAddressPolicy(options: AddressPolicyOptions = {}): AddressPolicy {
  const metadata = new BlockList();
  for (const address of METADATA_ADDRESSES) metadata.addAddress(address, familyOf(address));
  const refused = REFUSED_RANGES.map((range) => ({ ...range, list: subnetList(range.cidr) }));
  const allowed = new BlockList();
  for (const cidr of options.allowAddresses ?? []) addCidr(allowed, cidr);

  const matches = (list: BlockList, address: string, embedded: string | undefined): boolean =>
    list.check(address, familyOf(address)) || (embedded !== undefined && list.check(embedded, 'ipv4'));

  return {
    refusalReason(address) {
      if (isIP(address) === 0) return `${address} is not an IP address`;
      const embedded = embeddedIpv4(address);
      if (matches(metadata, address, embedded)) return `${address} is a cloud metadata address`;
      if (matches(allowed, address, embedded)) return undefined;
      for (const range of refused) {
        if (matches(range.list, address, embedded)) {
          return `${address} is a ${range.label} address (${range.cidr})`;
        }
      }
      return undefined;
    },
  };
}

function familyOf(address: string): Family {
  return isIPv4(address) ? 'ipv4' : 'ipv6';
}

function subnetList(cidr: string): BlockList {
  const list = new BlockList();
  addCidr(list, cidr);
  return list;
}

/** Throws at construction, so a mistyped operator setting fails at boot rather than at fetch. */
function addCidr(list: BlockList, cidr: string): void {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const version = isIP(address);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (version === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`allowAddresses: "${cidr}" is not an address or CIDR`);
  }
  list.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The IPv4 address carried by an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) IPv6
 * address: connecting to either reaches that IPv4 host, so it is judged like it.
 */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const words = ipv6Words(address);
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (!mapped && !nat64) return undefined;
  const [high = 0, low = 0] = words.slice(6);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit words of a valid IPv6 address (zone id ignored). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
