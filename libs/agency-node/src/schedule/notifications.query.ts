import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { withCode } from '@shekara/contracts';
import { PageQuery } from '../core';

/** GET /api/notifications: a page, optionally only those not acknowledged. */
export class NotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only the notifications not yet acknowledged' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean(withCode('NOT_BOOLEAN'))
  open?: boolean;
}

/** POST /api/notifications/ack: the ids to acknowledge (absent: every open one of the unit). */
export class AcknowledgeRequest {
  @ApiPropertyOptional({ type: String, isArray: true, maxItems: 500 })
  @IsOptional()
  @IsArray(withCode('NOT_ARRAY'))
  @ArrayMaxSize(500, withCode('TOO_MANY', { max: '500' }))
  @IsUUID('all', { each: true, ...withCode('MESSAGE_ID') })
  ids?: string[];
}
