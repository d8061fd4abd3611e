import { Module } from '@nestjs/common';
import { StoreModule } from '../store';
import { AdminController } from './admin.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** Operations: health, Prometheus metrics, the admin views of dead letters and the outbox. */
@Module({ imports: [StoreModule], controllers: [HealthController, MetricsController, AdminController] })
export class OpsModule {}
