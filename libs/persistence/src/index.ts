/**
 * @warden/persistence: Warden's PostgreSQL schema (TypeORM entities + hand-written
 * migrations) and tenant-scoped repositories.
 *
 *   await runMigrations(url);
 *   const ds = await createDataSource(url).initialize();
 *   const workflows = new WorkflowRepository(ds);
 *   await workflows.findById({ tenantId }, id);
 */
export type { TenantScope } from './tenant-scope';
export {
  createDataSource,
  runMigrations,
  pingDatabase,
  ENTITIES,
  MIGRATIONS,
  type DataSourceOptions,
} from './data-source';
export { TenantEntity } from './entities/tenant.entity';
export { WorkflowEntity } from './entities/workflow.entity';
export { WorkflowVersionEntity, SOURCE_FORMATS, type SourceFormat } from './entities/workflow-version.entity';
export { RunEntity, type RunErrorRecord } from './entities/run.entity';
export {
  WorkflowRepository,
  sourceChecksum,
  type NewWorkflowVersion,
  type WorkflowWithVersion,
  type WorkflowListFilter,
} from './workflow.repository';
export {
  RunRepository,
  TERMINAL_RUN_STATUSES,
  isTerminalRunStatus,
  type NewRun,
  type RunListFilter,
  type RunStatusUpdate,
} from './run.repository';
export { PersistenceError, type PersistenceErrorCode } from './persistence.errors';
export { isUuid } from './ids';
