import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isUuid } from './ids';
import { PersistenceError } from './persistence.errors';
import type { TenantScope } from './tenant-scope';

/**
 * An open transaction in which PostgreSQL's row-level security sees exactly one tenant. It is a
 * TenantScope, so it can be passed to any repository method: the method then joins this
 * transaction instead of opening its own. Only withTenant creates one (the class itself is not
 * exported), so it cannot be forged with another tenant's id.
 */
class TenantTransaction implements TenantScope {
  constructor(
    readonly tenantId: string,
    /** Valid only until the withTenant callback returns. */
    readonly manager: EntityManager,
  ) {}
}
export type { TenantTransaction };

/**
 * Runs `fn` in one transaction whose `warden.tenant_id` setting is `scope.tenantId`, which the
 * tenant_isolation policies compare every row against; commits when `fn` resolves, rolls back when
 * it throws. Given a TenantTransaction, joins it. Round trips: 1 to begin (START TRANSACTION and
 * set_config travel together), one per statement of `fn`, 1 to commit.
 */
export async function withTenant<T>(
  dataSource: DataSource,
  scope: TenantScope,
  fn: (tx: TenantTransaction) => Promise<T>,
): Promise<T> {
  if (scope instanceof TenantTransaction) return fn(scope);
  const tenantId = scope.tenantId;
  if (!isUuid(tenantId)) {
    throw new PersistenceError('invalid_tenant_id', 'the tenant id of a scope must be a uuid');
  }
  const runner = dataSource.createQueryRunner();
  try {
    await beginForTenant(runner, tenantId);
    const result = await fn(new TenantTransaction(tenantId, runner.manager));
    await runner.commitTransaction();
    return result;
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/** The two fields TypeORM's startTransaction() sets; we set them after our own BEGIN. */
interface TransactionBookkeeping {
  isTransactionActive: boolean;
  transactionDepth: number;
}

async function beginForTenant(runner: QueryRunner, tenantId: string): Promise<void> {
  const bookkeeping = runner as unknown as Partial<TransactionBookkeeping>;
  if (typeof bookkeeping.transactionDepth !== 'number' || bookkeeping.transactionDepth !== 0) {
    // A TypeORM whose internals differ: the public API, one round trip more.
    await runner.startTransaction();
    await runner.query(`SELECT set_config('warden.tenant_id', $1, true)`, [tenantId]);
    return;
  }
  // One simple-protocol message with two statements saves a round trip on every tenant
  // transaction. The simple protocol takes no parameters: the id is inlined, which is safe only
  // because isUuid() has accepted it (hex digits and dashes). Marked active first, so that a
  // failure still rolls back before the connection returns to the pool.
  bookkeeping.isTransactionActive = true;
  bookkeeping.transactionDepth = 1;
  await runner.query(`START TRANSACTION; SELECT set_config('warden.tenant_id', '${tenantId}', true)`);
}
