import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { workflowJsonSchema } from '@warden/definition';
import { Public } from '../auth/permissions';

@ApiTags('schema')
@Controller('v1/schema')
export class SchemaController {
  @Get('workflow')
  @Public('the JSON Schema of the workflow language is the same for everyone')
  @ApiOperation({ summary: 'JSON Schema (draft 2020-12) of the workflow language, for editors' })
  @ApiResponse({ status: 200, schema: { type: 'object' } })
  workflow(): object {
    return workflowJsonSchema;
  }
}
