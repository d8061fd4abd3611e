/**
 * CPU and memory of processes from /proc (Linux), pidusage-style: utime+stime from
 * /proc/<pid>/stat, VmRSS and VmHWM from /proc/<pid>/status, and wake-ups: the voluntary context
 * switches of all its threads (/proc/<pid>/task/<tid>/status; a thread that blocks and is woken
 * again). No dependency.
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64/arm64

export interface ProcSample {
  cpuSeconds: number;
  rssMiB: number;
  hwmMiB: number;
  /** Voluntary context switches of its threads alive now (a thread's count goes with it). */
  wakeups: number;
  /** Involuntary ones: its threads preempted, still wanting the CPU. */
  preemptions: number;
}

export function sample(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds, rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024, ...switches(pid) };
  } catch {
    return undefined;
  }
}

function switches(pid: number): { wakeups: number; preemptions: number } {
  let wakeups = 0;
  let preemptions = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      wakeups += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      preemptions += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      /* the thread ended */
    }
  }
  return { wakeups, preemptions };
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
  /** CPU time over the window (s). */
  cpuSeconds: number;
  /** Largest resident set seen while sampling (MiB). */
  rssMaxMiB: number;
  /** Kernel's high-water mark of the resident set at the end (MiB; whole process life). */
  hwmMiB: number;
  /** Wake-ups per second over the window (voluntary context switches of all threads). */
  wakeupsPerSec: number;
  /** Preemptions per second over the window (involuntary context switches of all threads). */
  preemptionsPerSec: number;
}

/** A process's counters when first seen in a window and when last seen (CPU seconds, switches). */
interface PidCounters {
  first: number;
  last: number;
  firstWakeups: number;
  lastWakeups: number;
  firstPreemptions: number;
  lastPreemptions: number;
}

/**
 * Samples named process groups every intervalMs; stop() gives CPU (cores) and peak RSS between
 * start and stop. A group may hold several pids (PostgreSQL backends come and go): CPU is summed
 * per pid (a pid first seen after start counts from 0), RSS is the largest sum seen.
 */
export class Monitor {
  private timer?: NodeJS.Timeout;
  private startAt = 0;
  private cpu = new Map<string, Map<number, PidCounters>>();
  private maxRss = new Map<string, number>();
  private hwm = new Map<string, number>();

  constructor(private readonly groups: () => Record<string, number[]>, private readonly intervalMs = 250) {}

  private tick(initial: boolean): void {
    for (const [name, pids] of Object.entries(this.groups())) {
      const perPid = this.cpu.get(name) ?? new Map<number, PidCounters>();
      this.cpu.set(name, perPid);
      let rss = 0;
      let hwm = 0;
      for (const pid of pids) {
        const s = sample(pid);
        if (!s) continue;
        const known = perPid.get(pid);
        if (known) {
          known.last = s.cpuSeconds;
          known.lastWakeups = s.wakeups;
          known.lastPreemptions = s.preemptions;
        } else {
          perPid.set(pid, {
            first: initial ? s.cpuSeconds : 0,
            last: s.cpuSeconds,
            firstWakeups: initial ? s.wakeups : 0,
            lastWakeups: s.wakeups,
            firstPreemptions: initial ? s.preemptions : 0,
            lastPreemptions: s.preemptions,
          });
        }
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
      let woken = 0;
      let preempted = 0;
      for (const v of perPid.values()) {
        cpu += Math.max(0, v.last - v.first);
        woken += Math.max(0, v.lastWakeups - v.firstWakeups);
        preempted += Math.max(0, v.lastPreemptions - v.firstPreemptions);
      }
      out[name] = { cpuCores: round(cpu / seconds, 2), cpuSeconds: round(cpu, 2), rssMaxMiB: round(this.maxRss.get(name) ?? 0, 0), hwmMiB: round(this.hwm.get(name) ?? 0, 0), wakeupsPerSec: round(woken / seconds, 0), preemptionsPerSec: round(preempted / seconds, 0) };
    }
    return out;
  }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
