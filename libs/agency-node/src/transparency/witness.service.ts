import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AgencyCode, BusNames } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { CosignatureSigner, DEFAULT_CHECKPOINT_INTERVAL_MS } from '@shekara/tlog';
import type { PgWitnessStore } from '@shekara/tlog';
import type { AgencyNodeConfig } from '../core';
import { BUS_NAMES, DIRECTORY, LOG_KEY, NATS, NODE_CONFIG, NodeMetrics, logOrigin, logVerifiers, witnessName, witnessVerifiers, witnessesOf } from '../core';
import { LogStore } from '../store';
import { ForkAlerts } from './fork-alerts';

/** The answer of a witness over the bus: the tlog-witness HTTP status and body. */
export interface WitnessReply {
  status: number;
  body: string;
  /** The refusal's error code (TlogErrorCode), if refused. */
  code?: string;
  /** Set on a 409 that is a fork (two trees of one size), not a stale old size. */
  fork?: boolean;
}

/** How long a node waits for a witness before trying again at a later round. */
const WITNESS_TIMEOUT_MS = 3000;

/**
 * Witnessing between the agencies' nodes (C2SP tlog-witness over core NATS request/reply):
 * - as the origin: each new checkpoint of this node's log goes, with the consistency proof from
 *   the size a witness last cosigned, to the other two agencies' nodes; their cosignatures are
 *   verified and stored. Rounds run every checkpoint interval, each witness on its own: a witness
 *   down or slow delays its cosignatures (caught up on the latest checkpoint when it is back),
 *   never the exchange, which does not wait for any of this.
 * - as a witness: requests for the other agencies' logs are checked by `PgWitnessStore`
 *   (signature by the origin's log key from the directory, consistency with the last checkpoint
 *   cosigned, under a per-origin lock) and answered with a cosignature, a conflict or a refusal;
 *   a fork or an unproven history is kept as evidence and alerted (log, metric, and `ForkAlerts`:
 *   the admins of both agencies and the ledger).
 */
@Injectable()
export class WitnessService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Witness');
  private readonly witnessStore: PgWitnessStore;
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  /** Per witness: the size it last cosigned (the old size of the next request). */
  private readonly known = new Map<AgencyCode, number>();
  private readonly inFlight = new Map<AgencyCode, Promise<void>>();
  private readonly answering = new Set<Promise<void>>();

  constructor(
    private readonly store: LogStore,
    private readonly metrics: NodeMetrics,
    private readonly alerts: ForkAlerts,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOG_KEY) logKey: KeyObject,
  ) {
    const logs = witnessesOf(config.agency).map((a) => ({ origin: logOrigin(a), verifiers: logVerifiers(directory, a) }));
    this.witnessStore = store.witnessStore(logs, new CosignatureSigner(witnessName(config.agency), logKey));
  }

  async onApplicationBootstrap(): Promise<void> {
    const sizes = await this.store.cosignedSizes();
    for (const w of witnessesOf(this.config.agency)) this.known.set(w, sizes.get(witnessName(w)) ?? 0);
    this.sub = this.nc.subscribe(this.names.witnessHandlerSubject(this.config.agency), {
      queue: this.names.witnessQueue(this.config.agency),
      callback: (err, msg) => {
        if (err) return;
        const p = this.answer(msg).finally(() => this.answering.delete(p));
        this.answering.add(p);
      },
    });
    this.timer = setInterval(() => this.round(), this.config.tlog?.checkpointMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
    this.timer.unref?.();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.sub?.unsubscribe();
    await Promise.allSettled([...this.inFlight.values(), ...this.answering]);
  }

  /** The witness records: the last checkpoint cosigned and the evidence kept, per other agency. */
  async records(): Promise<{ origin: string; size: number | null; evidence: unknown[] }[]> {
    return Promise.all(
      witnessesOf(this.config.agency).map(async (a) => {
        const origin = logOrigin(a);
        return { origin, size: (await this.witnessStore.latest(origin))?.size ?? null, evidence: await this.witnessStore.evidence(origin) };
      }),
    );
  }

  /** One round: the latest checkpoint to each witness that has not cosigned it (one request at a time per witness). */
  round(): void {
    for (const w of witnessesOf(this.config.agency)) {
      if (this.inFlight.has(w)) continue;
      const p = this.sendTo(w)
        .catch((e: unknown) => this.logger.warn({ msg: 'witnessing failed', witness: w, error: (e as Error).message }))
        .finally(() => this.inFlight.delete(w));
      this.inFlight.set(w, p);
    }
  }

  private async sendTo(w: AgencyCode): Promise<void> {
    const cp = await this.store.log.latestCheckpoint();
    if (!cp || (this.known.get(w) ?? 0) >= cp.size) return;
    // A stale old size is answered with the size the witness knows: retried once from there.
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = this.known.get(w) ?? 0;
      const request = await this.store.log.witnessRequest(cp, old);
      let reply: WitnessReply;
      try {
        reply = JSON.parse((await this.nc.request(this.names.witnessFrom(w, this.config.nats.identity), request, { timeout: WITNESS_TIMEOUT_MS })).string()) as WitnessReply;
      } catch {
        return; // down or slow: the next round tries again
      }
      if (reply.status === 200) {
        const added = await this.store.log.addCosignatures(cp.size, reply.body, witnessVerifiers(this.directory, w));
        if (added) this.metrics.cosignatures.inc({ witness: w });
        this.known.set(w, cp.size);
        return;
      }
      if (reply.status === 409 && !reply.fork && /^\d+\n$/.test(reply.body) && Number(reply.body) <= cp.size && Number(reply.body) !== old) {
        this.known.set(w, Number(reply.body));
        continue;
      }
      this.logger.error({ msg: 'witness refused the checkpoint', witness: w, size: cp.size, status: reply.status, code: reply.code, fork: reply.fork ?? false });
      return;
    }
  }

  /** Answers an add-checkpoint request for another agency's log. */
  private async answer(msg: Msg): Promise<void> {
    let reply: WitnessReply;
    try {
      const d = await this.witnessStore.addCheckpoint(msg.string());
      if (d.kind === 'cosigned') reply = { status: 200, body: d.body };
      else if (d.kind === 'conflict') reply = { status: 409, body: d.body };
      else if (d.kind === 'fork') reply = { status: 409, body: d.body, fork: true };
      else reply = { status: d.status, body: '', code: d.code };
      const evidence = d.kind === 'fork' || d.kind === 'refused' ? d.evidence : undefined;
      if (evidence) {
        this.metrics.witnessAlerts.inc({ origin: evidence.origin, reason: evidence.reason });
        this.logger.error({ msg: 'ALERT: a log presented a history inconsistent with what this witness cosigned', origin: evidence.origin, reason: evidence.reason, oldSize: evidence.oldSize });
        // Raised after the answer: the alert (to the log's agency, the ledger, the admins) never delays it.
        const e = evidence;
        setImmediate(() => void this.alerts.raise(e).catch((err: unknown) => this.logger.error({ msg: 'fork alert not raised', origin: e.origin, error: (err as Error).message })));
      }
    } catch (e) {
      this.logger.error({ msg: 'witness request failed', error: (e as Error).message });
      reply = { status: 500, body: '' };
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }
}
