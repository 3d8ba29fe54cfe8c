import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { workflowJsonSchema } from '@warden/definition';
import { RequirePermission } from '../auth/permissions';

@ApiTags('schema')
@Controller('v1/schema')
export class SchemaController {
  @Get('workflow')
  @RequirePermission('read', 'Schema')
  @ApiOperation({ summary: 'JSON Schema (draft 2020-12) of the workflow language, for editors' })
  @ApiResponse({ status: 200, schema: { type: 'object' } })
  workflow(): object {
    return workflowJsonSchema;
  }
}
