import { Module } from '@nestjs/common';
import { DeskModule } from '../desk';
import { StoreModule } from '../store';
import { ClientApiController } from './client-api.controller';
import { ClientCallAudit } from './client-call.audit';
import { ClientRateGuard } from './client-rate.guard';
import { ClientSend } from './client-send.service';
import { ClientsController } from './clients.controller';
import { ClientAccounts } from './clients.service';
import { FeedPruneTask } from './feed-prune.task';
import { FeedService } from './feed.service';
import { TokenController } from './token.controller';
import { WebhookDelivery } from './webhooks.service';

/**
 * Machine clients of the node (docs/integration.md): service accounts bound to units (client
 * credentials → short JWT), the desk's send use case for them, a durable feed with acknowledgements,
 * optional signed webhooks, a rate limit per account, every call audited.
 */
@Module({
  imports: [DeskModule, StoreModule],
  controllers: [TokenController, ClientApiController, ClientsController],
  providers: [ClientAccounts, ClientSend, FeedService, FeedPruneTask, WebhookDelivery, ClientRateGuard, ClientCallAudit],
})
export class IntegrationModule {}
