import { dedicatedNamespaceFor, isValidTenantSlug, NamespaceError } from './namespaces';

describe('dedicatedNamespaceFor', () => {
  test('a dedicated tenant gets warden-<slug>', () => {
    expect(dedicatedNamespaceFor('acme')).toBe('warden-acme');
    expect(dedicatedNamespaceFor('acme-eu-2')).toBe('warden-acme-eu-2');
  });

  test.each(['', 'Acme', 'acme corp', '-acme', 'acme-', 'acme_eu', 'acme.eu', 'acme/../x', 'a'.repeat(64)])(
    'refuses the slug %j with invalid_tenant_slug',
    (slug) => {
      expect(isValidTenantSlug(slug)).toBe(false);
      expect(() => dedicatedNamespaceFor(slug)).toThrow(
        expect.objectContaining({ code: 'invalid_tenant_slug' }) as NamespaceError,
      );
    },
  );

  test('accepts the longest slug', () => {
    expect(isValidTenantSlug('a'.repeat(63))).toBe(true);
  });
});
