import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '@shekara/common';
import { LiveEvents, NODE_CONFIG } from '../core';
import type { AgencyNodeConfig } from '../core';
import { PersonsStore } from '../store';
import { personsOf } from './persons-of';

/**
 * Files the persons of every report the node sends or receives into the person index, off the
 * report's hot path: the ids of messages stored (live events, emitted after their commit) are
 * collected and indexed in batches a moment later; at start, and whenever a batch fails, whatever
 * was stored but not indexed (match_indexed) is caught up.
 */
@Injectable()
export class PersonsIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  /** How long ids are collected before a batch is indexed. */
  static readonly DELAY_MS = 200;
  /** Messages indexed per statement batch. */
  static readonly BATCH = 200;

  private readonly log = new Logger(PersonsIndexer.name);
  private readonly waiting = new Set<string>();
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private catchUp = true;
  private stopped = false;

  constructor(
    private readonly store: PersonsStore,
    private readonly live: LiveEvents,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.persons?.indexing === false) {
      this.log.warn({ msg: 'PERSON_INDEX_ENABLED=false: reports are not filed into the person index (no possible matches shown)' });
      return;
    }
    this.sub = this.live.all().subscribe(({ event }) => {
      if (event.type !== 'message') return;
      this.waiting.add(event.id);
      this.schedule();
    });
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.sub?.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, PersonsIndexer.DELAY_MS);
    this.timer.unref();
  }

  private run(): Promise<void> {
    this.running ??= this.pass()
      .catch((e) => {
        this.catchUp = true;
        this.log.warn({ msg: 'person index pass failed; caught up later', error: (e as Error).message });
      })
      .finally(() => {
        this.running = undefined;
        if (this.waiting.size > 0 || this.catchUp) this.schedule();
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    if (this.catchUp) {
      // Everything stored and not indexed: after a restart, or a failed pass.
      for (;;) {
        const rows = await this.store.unindexed(PersonsIndexer.BATCH);
        if (rows.length === 0) break;
        await this.index(rows);
        if (this.stopped) return;
      }
      this.catchUp = false;
    }
    while (this.waiting.size > 0 && !this.stopped) {
      const ids = [...this.waiting].slice(0, PersonsIndexer.BATCH);
      for (const id of ids) this.waiting.delete(id);
      try {
        await this.index(await this.store.unindexed(ids.length, ids));
      } catch (e) {
        for (const id of ids) this.waiting.add(id);
        throw e;
      }
    }
  }

  private async index(rows: Awaited<ReturnType<PersonsStore['unindexed']>>): Promise<void> {
    if (rows.length === 0) return;
    await this.store.file(
      rows.map((m) => ({ messageId: m.id, persons: personsOf(m.id, m.payload).map((p) => p.record) })),
      this.clock.now(),
    );
  }
}
