import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { StatisticsService } from './statistics.service';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Post()
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Send the unit’s monthly figures (or corrected figures and explanations) to counterpart units (clause 9.3)' })
  send(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.statistics.send(req.user, body);
  }

  @Get('reconciliation')
  @ApiOperation({ summary: 'Counterpart figures compared with each other and with the handover acts, per pair, for one month' })
  reconciliation(@Req() req: AuthedRequest, @Query('period') period: unknown) {
    return this.statistics.reconciliation(req.user, period);
  }
}
