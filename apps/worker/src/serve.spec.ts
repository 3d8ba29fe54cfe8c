import { resolveTenant } from './serve';
import { TenantNotFoundError, type TenantDirectory, type TenantRef } from './tenant-directory';

const acme: TenantRef = {
  id: '5d0c1d9e-8f0a-4d8e-9a51-3f8f2f0e6b11',
  slug: 'acme',
  isolation: 'dedicated',
  namespace: 'warden-acme',
};

const directory: TenantDirectory = {
  listPooled: async () => [],
  findBySlug: async (slug) => (slug === acme.slug ? acme : undefined),
};

describe('resolveTenant', () => {
  test('turns the slug into the id and namespace the worker polls', async () => {
    await expect(resolveTenant(directory, 'acme')).resolves.toEqual(acme);
  });

  test('an unknown slug is refused naming --tenant and the slug', async () => {
    const refused = resolveTenant(directory, 'globex');
    await expect(refused).rejects.toBeInstanceOf(TenantNotFoundError);
    await expect(refused).rejects.toMatchObject({
      code: 'tenant_not_found',
      message: "--tenant: no tenant with slug 'globex'",
    });
  });
});
