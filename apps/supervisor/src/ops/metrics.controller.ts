import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Public } from '@shekara/auth';
import type { BusNames } from '@shekara/contracts';
import { LedgerStore } from '../ledger/ledger.store';
import { BUS_NAMES, NATS } from '../tokens';
import { SupervisorMetrics } from './metrics';

@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: SupervisorMetrics,
    private readonly store: LedgerStore,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(BUS_NAMES) private readonly names: BusNames,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async scrape(): Promise<string> {
    await Promise.allSettled([this.sampleLag(), this.sampleLedger()]);
    return this.metrics.registry.metrics();
  }

  private async sampleLag(): Promise<void> {
    const spec = this.names.auditConsumer();
    const info = await (await jetstreamManager(this.nc)).consumers.info(spec.stream, spec.durable);
    this.metrics.lag.set(info.num_pending + info.num_ack_pending);
  }

  private async sampleLedger(): Promise<void> {
    this.metrics.messages.set((await this.store.counts()).messages);
  }
}
