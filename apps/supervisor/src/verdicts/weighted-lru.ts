/**
 * A least-recently-used map bounded by the total weight of its entries, not by their number: the
 * verdict cache holds a range's journal and verdicts, and a year weighs as much as a dozen months.
 * An entry heavier than the whole budget is not kept at all (the caller still has its value).
 */
export class WeightedLru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private held = 0;

  constructor(readonly budget: number) {
    if (!(budget >= 0)) throw new Error(`budget must be a non-negative number, got ${budget}`);
  }

  /** The value for `key`, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /**
   * Keeps `value` under `key` as the most recently used, evicting the least recently used entries
   * until the total weight fits the budget. Returns false (and holds nothing for `key`) when the
   * value alone weighs more than the budget.
   */
  set(key: K, value: V, weight: number): boolean {
    this.delete(key);
    if (!(weight >= 0) || weight > this.budget) return false;
    for (const [k, e] of this.entries) {
      if (this.held + weight <= this.budget) break;
      this.entries.delete(k);
      this.held -= e.weight;
    }
    this.entries.set(key, { value, weight });
    this.held += weight;
    return true;
  }

  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.held -= e.weight;
    return true;
  }

  /** Drops every entry for which `drop` is true. */
  deleteWhere(drop: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (drop(e.value, k)) this.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Total weight held. */
  get weight(): number {
    return this.held;
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.entries.keys()];
  }
}
