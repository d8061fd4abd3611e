import { ManualClock } from '@shekara/common';
import type { AuditRange } from '@shekara/policy';
import type { LedgerStore, StoredMessage } from '../ledger/ledger.store';
import { SupervisorMetrics } from '../ops/metrics';
import type { MessageSelection } from './ranges';
import { VerdictService, weightOf } from './verdict.service';

/** A ledger of `perDay` DAILY messages a day from a unit the directory does not know (so each is also a rejected entry). */
class FakeStore {
  version_ = '1';
  loads = 0;
  constructor(private readonly perDay: number) {}
  async version(): Promise<string> {
    return this.version_;
  }
  async messagesFor(s: MessageSelection): Promise<StoredMessage[]> {
    this.loads++;
    const out: StoredMessage[] = [];
    for (let d = Date.parse(`${s.dailyFrom}T00:00:00Z`); d <= Date.parse(`${s.dailyTo}T00:00:00Z`); d += 86_400_000) {
      for (let i = 0; i < this.perDay; i++) {
        const day = new Date(d).toISOString().slice(0, 10);
        out.push({ id: `${day}-${i}`, kind: 'DAILY', from: 'nobody', to: ['nobody-else'], sentAt: new Date(d + 3 * 3600_000), period: day, summary: '', node: 'border' });
      }
    }
    return out;
  }
}

const JUNE: AuditRange = { from: '2024-06-01', to: '2024-06-30' };
const JULY: AuditRange = { from: '2024-07-01', to: '2024-07-31' };
const YEAR: AuditRange = { from: '2024-01-01', to: '2024-12-31' };

function service(budget: number, perDay = 2) {
  const store = new FakeStore(perDay);
  const metrics = new SupervisorMetrics();
  const svc = new VerdictService(store as unknown as LedgerStore, new ManualClock('2025-01-15T00:00:00Z'), metrics, { units: [], groups: [] }, budget);
  const counts = async () => Object.fromEntries((await metrics.verdictCache.get()).values.map((v) => [v.labels.outcome, v.value]));
  return { store, svc, counts };
}

describe('VerdictService cache', () => {
  it('weighs an entry by the messages and verdicts it holds', async () => {
    const { svc } = service(1_000_000);
    const set = await svc.verdicts(JUNE);
    expect(set.journal).toHaveLength(60);
    expect(set.rejected).toHaveLength(60); // unknown unit
    expect(weightOf(set)).toBe(120);
  });

  it('serves a repeated range from the cache while the ledger version holds', async () => {
    const { store, svc, counts } = service(1_000);
    await svc.verdicts(JUNE);
    await svc.verdicts(JUNE);
    expect(store.loads).toBe(1);
    expect(await counts()).toEqual({ miss: 1, hit: 1 });
    store.version_ = '2';
    await svc.verdicts(JUNE);
    expect(store.loads).toBe(2);
  });

  it('keeps entries within the weight budget, least recently used out first', async () => {
    const { store, svc } = service(250); // June weighs 120, July 124: both fit, a third month does not
    await svc.verdicts(JUNE);
    await svc.verdicts(JULY);
    await svc.verdicts(JUNE); // hit; July is now the least recently used
    expect(store.loads).toBe(2);
    await svc.verdicts({ from: '2024-08-01', to: '2024-08-31' });
    await svc.verdicts(JUNE);
    expect(store.loads).toBe(3); // June still cached
    await svc.verdicts(JULY);
    expect(store.loads).toBe(4); // July had to go
  });

  it('computes a range heavier than the budget without keeping it, and keeps what it had', async () => {
    const { store, svc } = service(250);
    await svc.verdicts(JUNE);
    const year = await svc.verdicts(YEAR);
    expect(year.journal).toHaveLength(366 * 2);
    await svc.verdicts(YEAR);
    expect(store.loads).toBe(3); // computed twice, never held
    await svc.verdicts(JUNE);
    expect(store.loads).toBe(3); // June was not pushed out by the year
  });

  it('drops entries of older ledger versions as soon as a newer version is seen', async () => {
    const { store, svc } = service(250);
    await svc.verdicts(JUNE);
    store.version_ = '2';
    await svc.verdicts(JULY); // June (version 1) is dropped here: it could never be hit again
    store.version_ = '1'; // (a version read before the bump, by a request still in flight)
    await svc.verdicts(JUNE);
    expect(store.loads).toBe(3);
  });
});

describe('VerdictService long ranges', () => {
  it('computes long ranges one at a time, short ones alongside', async () => {
    const { store, svc } = service(0);
    let loading = 0;
    let most = 0;
    const load = store.messagesFor.bind(store);
    store.messagesFor = async (s) => {
      most = Math.max(most, ++loading);
      await new Promise((r) => setTimeout(r, 20));
      loading--;
      return load(s);
    };
    const clock = new ManualClock('2025-01-15T00:00:00Z');
    // Different asOf: not one shared computation.
    const years = [0, 1, 2].map((i) => svc.verdicts(YEAR, new Date(clock.nowMs() + i)));
    await Promise.all(years);
    expect(most).toBe(1);
    most = 0;
    await Promise.all([svc.verdicts(YEAR), svc.verdicts(JUNE), svc.verdicts(JULY)]);
    expect(most).toBe(3);
  });

  it('keeps computing long ranges after one failed', async () => {
    const { store, svc } = service(0);
    const load = store.messagesFor.bind(store);
    let fail = true;
    store.messagesFor = async (s) => {
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      return load(s);
    };
    await expect(svc.verdicts(YEAR)).rejects.toThrow('database away');
    expect((await svc.verdicts(YEAR)).journal).toHaveLength(732);
  });
});
