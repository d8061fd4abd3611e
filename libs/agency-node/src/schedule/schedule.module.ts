import { Module } from '@nestjs/common';
import { StoreModule } from '../store';
import { DraftsService } from './drafts.service';
import { DueService } from './due.service';
import { NotificationsService } from './notifications.service';
import { ScheduleRpcController } from './rpc.controller';
import { ScheduleController } from './schedule.controller';

/** The schedule at the duty desk: drafts, "due now", notifications; and the scheduler's RPC. */
@Module({
  imports: [StoreModule],
  controllers: [ScheduleController, ScheduleRpcController],
  providers: [DraftsService, DueService, NotificationsService],
})
export class ScheduleModule {}
