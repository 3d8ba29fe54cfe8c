import type { ServerResponse } from 'node:http';
import { applyDecorators, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import {
  auditEventSchema,
  auditListQuery,
  auditPageSchema,
  chainVerificationSchema,
  type AuditPage,
  type ChainVerification,
} from './audit.dto';
import { AuditService } from './audit.service';

/** The list's query parameters, documented from the schema that validates them. */
function ApiAuditFilters(): MethodDecorator {
  const properties = auditListQuery.schema.properties ?? {};
  return applyDecorators(
    ...Object.entries(properties).map(([name, schema]) =>
      ApiQuery({ name, required: false, schema: { type: 'string', ...schema } }),
    ),
  );
}

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({ summary: "The tenant's audit events, newest first (by seq), filtered, one page at a time" })
  @ApiAuditFilters()
  @ApiResponse({ status: 200, schema: auditPageSchema })
  @ApiErrorResponses(400, 403)
  list(@CurrentTenant() scope: TenantScope, @Query() query: unknown): Promise<AuditPage> {
    return this.audit.list(scope, auditListQuery.parse(query));
  }

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: "Recompute the tenant's hash chain and report the first broken link" })
  @ApiResponse({ status: 200, schema: chainVerificationSchema })
  @ApiErrorResponses(403)
  verify(@CurrentTenant() scope: TenantScope): Promise<ChainVerification> {
    return this.audit.verify(scope);
  }

  /**
   * Streams instead of building the whole chain in memory. Once the first line is out the
   * status is sent, so a failure mid-way can only cut the stream short; the missing final
   * newline and the seq numbers tell a reader the file is incomplete.
   */
  @Get('export')
  @RequirePermission('audit:export')
  @ApiOperation({ summary: 'The whole chain as NDJSON in seq order, with hashes, to verify offline' })
  @ApiProduces('application/x-ndjson')
  @ApiResponse({ status: 200, description: 'one event per line', schema: auditEventSchema })
  @ApiErrorResponses(403)
  async export(@CurrentTenant() scope: TenantScope, @Res() response: ServerResponse): Promise<void> {
    const batches = this.audit.exportChain(scope);
    const first = await batches.next();
    response.statusCode = 200;
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="audit.ndjson"');
    response.setHeader('Cache-Control', 'no-store');
    try {
      if (!first.done) await writeLines(response, first.value);
      for await (const batch of batches) await writeLines(response, batch);
      response.end();
    } catch {
      response.destroy();
    }
  }
}

async function writeLines(response: ServerResponse, events: readonly unknown[]): Promise<void> {
  const text = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  if (response.destroyed) throw new Error('the client went away');
  if (!response.write(text)) {
    await new Promise<void>((resolve) => {
      response.once('drain', resolve);
      response.once('close', resolve);
    });
  }
}
