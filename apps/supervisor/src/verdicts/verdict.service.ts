import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '@shekara/common';
import { POLICIES, audit, policyForRange } from '@shekara/policy';
import type { AuditRange, Directory as PolicyDirectory, MessageIssue, Policy, Verdict } from '@shekara/policy';
import { SupervisorError, SupervisorErrorCode } from '../errors';
import { LedgerStore } from '../ledger/ledger.store';
import type { StoredMessage } from '../ledger/ledger.store';
import { SupervisorMetrics } from '../ops/metrics';
import { POLICY_DIRECTORY, VERDICT_CACHE_BUDGET } from '../tokens';
import { rangeDays, selectionFor } from './ranges';
import { WeightedLru } from './weighted-lru';
import { bi } from '@shekara/server';

/** The verdicts of one range as of one instant, with the messages they rest on. */
export interface VerdictSet {
  range: AuditRange;
  asOf: Date;
  policy: Policy;
  verdicts: Verdict[];
  /** Ledger messages the engine refused (unknown unit, missing field, …), with the reason. */
  rejected: Array<{ id?: string; reason: string }>;
  messages: ReadonlyMap<string, StoredMessage>;
  /** The messages in the order loaded (sent_at, id): the range's journal. */
  journal: readonly StoredMessage[];
}

interface CacheEntry {
  version: string;
  set: VerdictSet;
  /** The same verdicts hold for any asOf in [set.asOf, validThrough]. */
  validThrough: number;
}

/**
 * What the cache may hold, in messages + verdicts (an entry's weight): about two months' listings
 * of the full directory, so a year is computed but not kept (sizes: docs/performance.md).
 */
export const DEFAULT_VERDICT_CACHE_BUDGET = 120_000;

/**
 * Ranges longer than this are computed one at a time: each holds a large journal and its verdicts
 * in the heap while computed, and concurrent ones would add up.
 */
export const LONG_RANGE_DAYS = 92;

/** The one policy in force over a whole range; a range it changes in (or none holds) is refused (INVALID_QUERY). */
export function rangePolicy(range: AuditRange): Policy {
  try {
    return policyForRange(POLICIES, range);
  } catch (e) {
    throw new SupervisorError(SupervisorErrorCode.InvalidQuery, bi((e as Error).message, 'Политика отчётности меняется внутри диапазона или не действует в нём: проверьте части диапазона по отдельности.'));
  }
}

/** An entry's weight: what it holds, in messages and verdicts. */
export function weightOf(set: VerdictSet): number {
  return set.journal.length + set.verdicts.length + set.rejected.length;
}

/**
 * Verdicts computed by the one engine (@shekara/policy audit(), the same as `shekara audit`) on
 * the ledger's messages for a range. Results are cached per (range, ledger version) for as long as
 * they cannot change with time: until the earliest deadline of a PENDING verdict passes, or a
 * message stamped later than asOf comes into view. The cache is bounded by weight (messages and
 * verdicts held, DEFAULT_VERDICT_CACHE_BUDGET), not by its number of entries; entries of an older
 * ledger version can never be hit again and are dropped as soon as a newer version is seen.
 */
@Injectable()
export class VerdictService {
  private readonly cache: WeightedLru<string, CacheEntry>;
  private readonly inFlight = new Map<string, Promise<CacheEntry>>();
  /** The newest ledger version seen. */
  private latest = -1n;
  /** The computation of a long range running or last queued (see LONG_RANGE_DAYS). */
  private longQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: LedgerStore,
    private readonly clock: Clock,
    private readonly metrics: SupervisorMetrics,
    @Inject(POLICY_DIRECTORY) private readonly directory: PolicyDirectory,
    @Optional() @Inject(VERDICT_CACHE_BUDGET) budget?: number,
  ) {
    this.cache = new WeightedLru(budget ?? DEFAULT_VERDICT_CACHE_BUDGET);
  }

  /** The verdicts of `range` as of `asOf` (default: now). */
  async verdicts(range: AuditRange, asOf: Date = this.clock.now()): Promise<VerdictSet> {
    const key = `${range.from}|${range.to}`;
    const version = await this.store.version();
    const at = asOf.getTime();
    this.sawVersion(version);
    const hit = this.cache.get(key);
    if (hit && hit.version === version && at >= hit.set.asOf.getTime() && at <= hit.validThrough) {
      this.metrics.verdictCache.inc({ outcome: 'hit' });
      return { ...hit.set, asOf };
    }
    this.metrics.verdictCache.inc({ outcome: 'miss' });
    const flightKey = `${key}|${version}|${at}`;
    let p = this.inFlight.get(flightKey);
    if (!p) {
      p = this.computeBounded(range, asOf, version).finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, p);
    }
    const entry = await p;
    // Kept only if still current (a newer version may have been seen meanwhile) and within budget.
    if (BigInt(entry.version) >= this.latest) this.cache.set(key, entry, weightOf(entry.set));
    return entry.set;
  }

  /** Versions only grow: once a newer one is seen, entries of older ones can never be hit again. */
  private sawVersion(version: string): void {
    const v = BigInt(version);
    if (v <= this.latest) return;
    this.latest = v;
    this.cache.deleteWhere((e) => BigInt(e.version) < v);
  }

  /** compute(), long ranges one after another. */
  private computeBounded(range: AuditRange, asOf: Date, version: string): Promise<CacheEntry> {
    if (rangeDays(range) <= LONG_RANGE_DAYS) return this.compute(range, asOf, version);
    const run = this.longQueue.then(() => this.compute(range, asOf, version));
    this.longQueue = run.catch(() => undefined);
    return run;
  }

  private async compute(range: AuditRange, asOf: Date, version: string): Promise<CacheEntry> {
    const policy = rangePolicy(range);
    const stop = this.metrics.verdictSeconds.startTimer();
    const journal = await this.store.messagesFor(selectionFor(range));
    const { verdicts, rejected } = audit({ policy, directory: this.directory, messages: journal, range, asOf });
    stop();
    const at = asOf.getTime();
    let validThrough = Number.POSITIVE_INFINITY;
    for (const v of verdicts) if (v.verdict === 'PENDING') validThrough = Math.min(validThrough, v.due.getTime());
    for (const m of journal) if (m.sentAt.getTime() > at) validThrough = Math.min(validThrough, m.sentAt.getTime() - 1);
    const set: VerdictSet = {
      range,
      asOf,
      policy,
      verdicts,
      rejected: rejected.map((r: MessageIssue) => ({ ...(r.id !== undefined ? { id: r.id } : {}), reason: r.reason })),
      messages: new Map(journal.map((m) => [m.id, m])),
      journal,
    };
    return { version, set, validThrough };
  }
}
