/** Summarises a .cpuprofile: self time per function and per package/area. */
import { readFileSync } from 'node:fs';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  top: { fn: string; where: string; selfMs: number; pctBusy: number }[];
  areas: { area: string; selfMs: number; pctBusy: number }[];
}

export function area(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(idle)') return fn;
  if (!url) return fn.startsWith('(') ? fn : 'native';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (own) return `shekara ${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

export function summarise(path: string, topN = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const fns = new Map<string, { fn: string; where: string; selfMs: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    total += ms;
    if (functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const short = url.replace(/^.*\/(node_modules|bench\/\.build)\//, '$1/').replace(/^file:\/\//, '');
    const key = `${functionName}|${url}|${lineNumber}`;
    const e = fns.get(key) ?? { fn: functionName || '(anonymous)', where: url ? `${short}:${lineNumber + 1}` : '', selfMs: 0 };
    e.selfMs += ms;
    fns.set(key, e);
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
  }
  const busy = total - idle;
  const r = (x: number) => Math.round(x);
  const pct = (x: number) => Math.round((1000 * x) / busy) / 10;
  return {
    totalMs: r(total),
    busyMs: r(busy),
    top: [...fns.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN).map((e) => ({ ...e, selfMs: r(e.selfMs), pctBusy: pct(e.selfMs) })),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([a, ms]) => ({ area: a, selfMs: r(ms), pctBusy: pct(ms) })),
  };
}
