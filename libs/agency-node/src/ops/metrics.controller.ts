import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@shekara/contracts';
import { Public } from '@shekara/auth';
import type { AgencyNodeConfig } from '../core';
import { BUS_NAMES, NATS, NODE_CONFIG, NodeMetrics } from '../core';
import { OutboxStore } from '../store';

@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: NodeMetrics,
    private readonly outbox: OutboxStore,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async scrape(): Promise<string> {
    await Promise.allSettled([this.sampleOutbox(), this.sampleLag()]);
    return this.metrics.registry.metrics();
  }

  private async sampleOutbox(): Promise<void> {
    const rows = await this.outbox.depth();
    this.metrics.outboxDepth.reset();
    for (const kind of ['ENVELOPE', 'RECEIPT']) this.metrics.outboxDepth.set({ kind }, Number(rows.find((r) => r.kind === kind)?.n ?? 0));
  }

  private async sampleLag(): Promise<void> {
    const spec = this.names.inboxFromConsumer(this.config.agency);
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.consumers.info(spec.stream, spec.durable);
    this.metrics.consumerLag.set(info.num_pending + info.num_ack_pending);
  }
}
