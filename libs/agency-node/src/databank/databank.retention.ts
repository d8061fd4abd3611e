import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@shekara/common';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { NODE_CONFIG } from '../core';
import { DataBankStore } from '../store';

/** Default days of grace after the review date, and the period of the job. */
export const BANK_RETENTION_DEFAULTS = { retentionGraceDays: 365, retentionMs: 6 * 3600_000 };

/**
 * The data bank's retention job: a record leaves search on its review date (the store's filters);
 * BANK_RETENTION_GRACE_DAYS later this job deletes it with every version, each deletion a row of
 * the audit log in the same statement. Each node deletes from its own replica by the same dates
 * (the review date is in the signed version), so the replicas agree without a message. "Now" is
 * the injected clock's; the date compared is UTC's (a day of grace absorbs the zones).
 */
@Injectable()
export class DataBankRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DataBankRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  static readonly BATCH = 1000;

  constructor(
    private readonly store: DataBankStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  private get settings() {
    return this.config.bank ?? BANK_RETENTION_DEFAULTS;
  }

  onApplicationBootstrap(): void {
    const every = this.settings.retentionMs;
    if (!every) return;
    this.timer = setInterval(() => void this.run().catch((err) => this.log.warn({ msg: 'bank retention failed; will retry', error: (err as Error).message })), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One round (at most one at a time): deletes what is past review date + grace; resolves with how many records went. */
  run(): Promise<number> {
    this.running ??= this.expunge().finally(() => (this.running = undefined));
    return this.running;
  }

  private async expunge(): Promise<number> {
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.settings.retentionGraceDays * 86_400_000).toISOString().slice(0, 10);
    let total = 0;
    for (;;) {
      const gone = await this.store.expunge(before, DataBankRetention.BATCH, { at: now, actor: 'retention', action: AuditAction.BankDeleted });
      total += gone.length;
      if (gone.length < DataBankRetention.BATCH) break;
    }
    if (total) this.log.log({ msg: 'bank records deleted after their review date and grace', records: total, reviewedBefore: before });
    return total;
  }
}
