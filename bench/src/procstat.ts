/**
 * CPU and memory of processes from /proc (Linux), pidusage-style: utime+stime from
 * /proc/<pid>/stat, VmRSS and VmHWM from /proc/<pid>/status. No dependency.
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64/arm64

export interface ProcSample {
  cpuSeconds: number;
  rssMiB: number;
  hwmMiB: number;
}

export function sample(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds, rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Pids whose command line starts with (or whose comm equals) the given name. */
export function pidsNamed(name: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm === name) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

export interface UsageSummary {
  /** Average CPU over the window, in cores (1.0 = one core fully busy). */
  cpuCores: number;
  /** Largest resident set seen while sampling (MiB). */
  rssMaxMiB: number;
  /** Kernel's high-water mark of the resident set at the end (MiB; whole process life). */
  hwmMiB: number;
}

/**
 * Samples named process groups every intervalMs; stop() gives CPU (cores) and peak RSS between
 * start and stop. A group may hold several pids (PostgreSQL backends come and go): CPU is summed
 * per pid (a pid first seen after start counts from 0), RSS is the largest sum seen.
 */
export class Monitor {
  private timer?: NodeJS.Timeout;
  private startAt = 0;
  private cpu = new Map<string, Map<number, { first: number; last: number }>>();
  private maxRss = new Map<string, number>();
  private hwm = new Map<string, number>();

  constructor(private readonly groups: () => Record<string, number[]>, private readonly intervalMs = 250) {}

  private tick(initial: boolean): void {
    for (const [name, pids] of Object.entries(this.groups())) {
      const perPid = this.cpu.get(name) ?? new Map<number, { first: number; last: number }>();
      this.cpu.set(name, perPid);
      let rss = 0;
      let hwm = 0;
      for (const pid of pids) {
        const s = sample(pid);
        if (!s) continue;
        const known = perPid.get(pid);
        if (known) known.last = s.cpuSeconds;
        else perPid.set(pid, { first: initial ? s.cpuSeconds : 0, last: s.cpuSeconds });
        rss += s.rssMiB;
        hwm = Math.max(hwm, s.hwmMiB);
      }
      this.maxRss.set(name, Math.max(this.maxRss.get(name) ?? 0, rss));
      if (hwm) this.hwm.set(name, hwm);
    }
  }

  start(): void {
    this.startAt = performance.now();
    this.cpu.clear();
    this.maxRss.clear();
    this.tick(true);
    this.timer = setInterval(() => this.tick(false), this.intervalMs);
  }

  stop(): Record<string, UsageSummary> {
    if (this.timer) clearInterval(this.timer);
    this.tick(false);
    const seconds = (performance.now() - this.startAt) / 1000;
    const out: Record<string, UsageSummary> = {};
    for (const [name, perPid] of this.cpu) {
      let cpu = 0;
      for (const v of perPid.values()) cpu += Math.max(0, v.last - v.first);
      out[name] = { cpuCores: round(cpu / seconds, 2), rssMaxMiB: round(this.maxRss.get(name) ?? 0, 0), hwmMiB: round(this.hwm.get(name) ?? 0, 0) };
    }
    return out;
  }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
