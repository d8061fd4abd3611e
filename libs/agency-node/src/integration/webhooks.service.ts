import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AuthUser } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import { INTEGRATION_DEFAULTS, NODE_CONFIG } from '../core';
import type { AgencyNodeConfig } from '../core';
import { IntegrationStore } from '../store';
import type { ClientAccountRow } from '../store';
import { FeedService } from './feed.service';
import { SIGNATURE_HEADER, retryDelayMs, signWebhook } from './webhook-signature';

/** Events in one webhook delivery, at most. */
const WEBHOOK_BATCH = 100;

/**
 * Pushes each account's feed to its webhook (docs/integration.md): a POST of the next events (the
 * feed page's JSON) signed with HMAC-SHA256 (`X-Shekara-Signature`). A 2xx answer moves the
 * webhook's own position; anything else is retried after base·2^(n−1) (at most retryMaxMs), and
 * after maxAttempts failures in a row the webhook is marked FAILED and stops until an administrator
 * sets it again. The pull feed is independent of it and keeps everything.
 */
@Injectable()
export class WebhookDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Webhooks');
  private readonly settings: NonNullable<AgencyNodeConfig['integration']>['webhook'];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: IntegrationStore,
    private readonly feed: FeedService,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) config: AgencyNodeConfig,
  ) {
    this.settings = (config.integration ?? INTEGRATION_DEFAULTS).webhook;
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((err) => this.log.warn({ msg: 'webhook pass failed', error: String(err?.message ?? err) }))
        .finally(() => this.schedule());
    }, this.settings.pollMs);
  }

  /** One attempt for every account whose webhook is due. */
  async pass(): Promise<void> {
    for (const account of await this.store.webhooksDue(this.clock.now())) {
      if (this.stopped) return;
      await this.deliver(account);
    }
  }

  private async deliver(a: ClientAccountRow & { webhook_secret: string }): Promise<void> {
    const client: AuthUser = { id: a.id, username: a.client_id, unitId: a.units[0], role: 'duty-officer', clearance: a.clearance as AuthUser['clearance'], client: { clientId: a.client_id, units: a.units } };
    const page = await this.feed.page(client, { tx: a.webhook_tx, seq: a.webhook_seq }, WEBHOOK_BATCH);
    if (!page.events.length) return;
    const body = JSON.stringify({ clientId: a.client_id, deliveryId: uuidv7(this.clock), events: page.events, next: page.next });
    let error: string | undefined;
    try {
      const res = await fetch(a.webhook_url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(a.webhook_secret, body, this.clock.now()) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      error = String((err as Error)?.message ?? err);
    }
    const now = this.clock.now();
    if (!error) {
      await this.store.webhookDelivered(a.id, page.last!, now);
      return;
    }
    const attempts = a.webhook_attempts + 1;
    const nextAt = attempts >= this.settings.maxAttempts ? null : new Date(now.getTime() + retryDelayMs(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs));
    this.log.warn({ msg: nextAt ? 'webhook delivery failed; will retry' : 'webhook delivery failed; webhook marked failed', client: a.client_id, attempts, error });
    await this.store.webhookAttemptFailed(a.id, attempts, error, nextAt, now);
  }
}
