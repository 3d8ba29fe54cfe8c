import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { HealthError } from './health.errors';
import { HealthService, type Readiness } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @Public('probes for load balancers and orchestrators; they reveal no tenant data')
  @ApiOperation({ summary: 'The process is up' })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public('probes for load balancers and orchestrators; they reveal no tenant data')
  @ApiOperation({ summary: 'PostgreSQL and Temporal are reachable' })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ready'] }, checks: { type: 'object' } },
    },
  })
  @ApiErrorResponses(503)
  async readyz(): Promise<{ status: 'ready'; checks: Readiness['checks'] }> {
    const { ready, checks } = await this.health.readiness();
    if (!ready) {
      const failing = Object.entries(checks)
        .filter(([, result]) => !result.ok)
        .map(([name]) => name);
      throw new HealthError('not_ready', `not ready: ${failing.join(' and ')} unreachable`, {
        failing,
        checks,
      });
    }
    return { status: 'ready', checks };
  }
}
