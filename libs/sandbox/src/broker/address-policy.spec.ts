import { createAddressPolicy, embeddedIpv4 } from './address-policy';

describe('address policy', () => {
  const policy = createAddressPolicy();

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['198.18.0.1', 'benchmark'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::192.168.0.1', 'private'],
  ])('refuses %s as %s', (address, label) => {
    expect(policy.refusalReason(address)).toContain(`a ${label} address`);
  });

  it.each(['169.254.169.254', '100.100.100.200', 'fd00:ec2::254', '::ffff:169.254.169.254'])(
    'refuses the metadata address %s',
    (address) => {
      expect(policy.refusalReason(address)).toBe(`${address} is a cloud metadata address`);
    },
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows the public address %s',
    (address) => {
      expect(policy.refusalReason(address)).toBeUndefined();
    },
  );

  it('refuses what is not an IP address', () => {
    expect(policy.refusalReason('localhost')).toBe('localhost is not an IP address');
  });

  it('lets an operator allow internal ranges, but never the metadata addresses', () => {
    const onPrem = createAddressPolicy({ allowAddresses: ['10.20.0.0/16', '169.254.0.0/16', 'fd00::1'] });
    expect(onPrem.refusalReason('10.20.3.4')).toBeUndefined();
    expect(onPrem.refusalReason('::ffff:10.20.3.4')).toBeUndefined();
    expect(onPrem.refusalReason('fd00::1')).toBeUndefined();
    expect(onPrem.refusalReason('10.21.0.1')).toContain('private');
    expect(onPrem.refusalReason('169.254.10.10')).toBeUndefined();
    expect(onPrem.refusalReason('169.254.169.254')).toContain('metadata');
  });

  it.each(['10.0.0.0/33', 'nonsense', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x'])(
    'fails fast on the invalid allowAddresses entry %s',
    (cidr) => {
      expect(() => createAddressPolicy({ allowAddresses: [cidr] })).toThrow(/allowAddresses/);
    },
  );

  it('finds the IPv4 address inside mapped and NAT64 addresses only', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('2606:4700::ffff:7f00:1')).toBeUndefined();
    expect(embeddedIpv4('10.0.0.1')).toBeUndefined();
  });
});
