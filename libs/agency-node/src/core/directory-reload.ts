import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DirectoryReloader } from '@shekara/directory';
import type { AgencyNodeConfig } from './config';
import { NodeMetrics } from './metrics';
import { DIRECTORY_RELOADER, NODE_CONFIG } from './tokens';

/**
 * Looks for a newer signed directory every DIRECTORY_POLL_MS and reports what it found: a version
 * loaded (log, version gauge) or refused (unsigned, badly signed, invalid, not newer, or this
 * agency's key file not matching it): the current version is kept, the refusal logged and counted.
 */
@Injectable()
export class DirectoryReloadTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Directory');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(DIRECTORY_RELOADER) private readonly reloader: DirectoryReloader,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    private readonly metrics: NodeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.directoryVersion.set(this.reloader.version);
    if (this.config.directoryPollMs > 0) {
      this.timer = setInterval(() => this.check(), this.config.directoryPollMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One look at the file (also called by tests and the admin). */
  check(): void {
    const outcome = this.reloader.check();
    if (outcome.kind === 'loaded') {
      this.metrics.directoryVersion.set(outcome.version);
      this.metrics.directoryReloads.inc({ outcome: 'loaded', reason: '' });
      this.log.log({ msg: 'directory version loaded', version: outcome.version, previous: outcome.previous });
    } else if (outcome.kind === 'refused') {
      this.metrics.directoryReloads.inc({ outcome: 'refused', reason: outcome.code });
      this.log.error({ msg: 'directory version refused; keeping the current one', version: this.reloader.version, code: outcome.code, reason: outcome.reason });
    }
  }
}
