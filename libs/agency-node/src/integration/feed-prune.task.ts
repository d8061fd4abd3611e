import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { INTEGRATION_DEFAULTS, NODE_CONFIG } from '../core';
import type { AgencyNodeConfig } from '../core';
import { IntegrationStore } from '../store';

/** Deletes, every FEED_PRUNE_MS, the feed events no open account still needs (`IntegrationStore.prune`). */
@Injectable()
export class FeedPruneTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('FeedPrune');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly everyMs: number;

  constructor(
    private readonly store: IntegrationStore,
    @Inject(NODE_CONFIG) config: AgencyNodeConfig,
  ) {
    this.everyMs = (config.integration ?? INTEGRATION_DEFAULTS).feedPruneMs;
  }

  onApplicationBootstrap(): void {
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.store
        .prune()
        .then((n) => void (n && this.log.log({ msg: 'feed events pruned', count: n })))
        .catch((err) => this.log.warn({ msg: 'feed prune failed', error: String(err?.message ?? err) }))
        .finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
