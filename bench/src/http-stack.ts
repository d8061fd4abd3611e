/**
 * The HTTP stack experiment (BENCH_ONLY=http; issue #22 item 3, "a cheaper HTTP path: Nest's Fastify
 * adapter"). Before porting the node, bound what the port could give: the node's send route with
 * nothing behind it (bench/src/http-stack-server.ts), on Express as the node serves it and on
 * Fastify, each in a process of its own, driven by this process as the bench drives a node (64
 * kept-alive connections opened first): open loop at 200/s, then closed loop with 64 in flight. The
 * legs alternate (E F F E ...), since this VM's speed drifts within minutes. What the server spends
 * per request on Express is the most Fastify could save per report; the node's whole report costs
 * milliseconds (the e2e rows).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { dailyReport } from './e2e';
import { sample } from './procstat';
import { percentiles } from './stats';
import type { Percentiles } from './stats';
import { BUILD, ROOT, sleep } from './system';
import type { Row } from './matching';

const SERVER = () => join(BUILD, 'bench', 'src', 'http-stack-server.js');
const BEARER = 'Bearer http-stack-experiment';

export type Stack = 'express' | 'fastify';

export interface HttpStackLeg {
  stack: Stack;
  /** Open loop at `rate`: latency from the instant each send was due, server CPU per request. */
  paced: { sent: number; failed: number; ms: Percentiles; serverCpuUs: number; clientCpuUs: number };
  /** Closed loop: requests per second, server CPU per request. */
  saturation: { completed: number; failed: number; perSec: number; serverCpuUs: number; clientCpuUs: number };
  rssMiB: number;
}

export interface HttpStackOptions {
  rate: number;
  pacedSeconds: number;
  saturationSeconds: number;
  concurrency: number;
  /** Pairs of legs (E F, then F E, ...). */
  pairs: number;
}

const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] http stack: ${s}\n`);

async function startServer(stack: Stack): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SERVER(), stack, BEARER], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${stack} server exited ${code}: ${err.slice(-2000)}`)));
  });
  return { child, port };
}

class Client {
  readonly agent: http.Agent;
  private readonly body = Buffer.from(JSON.stringify(dailyReport()));
  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request(method: string, path: string, body?: Buffer): Promise<number> {
    return new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers: { 'content-type': 'application/json', authorization: BEARER, ...(body ? { 'content-length': body.length } : {}) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }

  async send(): Promise<boolean> {
    return (await this.request('POST', '/api/messages', this.body)) === 201;
  }
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function runLeg(stack: Stack, o: HttpStackOptions): Promise<HttpStackLeg> {
  const { child, port } = await startServer(stack);
  try {
    const client = new Client(port, o.concurrency);
    await Promise.all(Array.from({ length: o.concurrency }, () => client.request('GET', '/health/live')));
    // Warm-up: both JITs reach their steady state before anything is counted.
    const warmUntil = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < warmUntil) await client.send();
      }),
    );
    const pid = child.pid!;
    // Open loop: each send is due at start + i / rate and timed from then.
    let s0 = sample(pid)!;
    let c0 = cpuUs();
    const count = o.rate * o.pacedSeconds;
    const ms: number[] = [];
    let failed = 0;
    const start = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / o.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      sends.push(
        client.send().then((ok) => {
          if (ok) ms.push(performance.now() - due);
          else failed++;
        }),
      );
    }
    await Promise.all(sends);
    let s1 = sample(pid)!;
    const paced = { sent: count, failed, ms: percentiles(ms), serverCpuUs: ((s1.cpuSeconds - s0.cpuSeconds) * 1e6) / count, clientCpuUs: (cpuUs() - c0) / count };
    // Closed loop.
    s0 = sample(pid)!;
    c0 = cpuUs();
    let completed = 0;
    let satFailed = 0;
    const satStart = performance.now();
    const until = satStart + o.saturationSeconds * 1000;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (performance.now() < until) {
          if (await client.send()) completed++;
          else satFailed++;
        }
      }),
    );
    const seconds = (performance.now() - satStart) / 1000;
    s1 = sample(pid)!;
    const n = completed + satFailed;
    const saturation = { completed, failed: satFailed, perSec: completed / seconds, serverCpuUs: ((s1.cpuSeconds - s0.cpuSeconds) * 1e6) / n, clientCpuUs: (cpuUs() - c0) / n };
    client.agent.destroy();
    return { stack, paced, saturation, rssMiB: s1.hwmMiB };
  } finally {
    child.kill('SIGKILL');
  }
}

export async function httpStackPhase(result: Record<string, any>, o: HttpStackOptions): Promise<void> {
  const legs: HttpStackLeg[] = [];
  for (let pair = 0; pair < o.pairs; pair++) {
    const order: Stack[] = pair % 2 === 0 ? ['express', 'fastify'] : ['fastify', 'express'];
    for (const stack of order) {
      log(`${stack} (pair ${pair + 1} of ${o.pairs}): ${o.rate}/s for ${o.pacedSeconds} s, then ${o.concurrency} in flight for ${o.saturationSeconds} s`);
      const leg = await runLeg(stack, o);
      log(`${stack}: at ${o.rate}/s p50 ${leg.paced.ms.p50} p99 ${leg.paced.ms.p99} ms, server ${Math.round(leg.paced.serverCpuUs)} µs/request; closed loop ${Math.round(leg.saturation.perSec)}/s, server ${Math.round(leg.saturation.serverCpuUs)} µs/request`);
      legs.push(leg);
    }
  }
  result.httpStack = { options: o, legs };
}

/** The rows of the results table: each stack's legs as their mean, and Fastify's against Express. */
export function httpStackRows(h: { options: HttpStackOptions; legs: HttpStackLeg[] }): Row[] {
  const of = (s: Stack) => h.legs.filter((l) => l.stack === s);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  const rows: Row[] = [];
  const o = h.options;
  for (const s of ['express', 'fastify'] as Stack[]) {
    const legs = of(s);
    if (!legs.length) continue;
    rows.push({ metric: `HTTP stack alone (the send route, nothing behind it), ${s}: server CPU per request at ${o.rate}/s (each leg)`, value: fmt(legs.map((l) => l.paced.serverCpuUs)), unit: 'µs' });
    rows.push({ metric: `  its latency p50 / p99 at ${o.rate}/s (mean of legs)`, value: `${mean(legs.map((l) => l.paced.ms.p50)).toFixed(1)} / ${mean(legs.map((l) => l.paced.ms.p99)).toFixed(1)}`, unit: 'ms' });
    rows.push({ metric: `  closed loop, ${o.concurrency} in flight: requests/s; server CPU per request (each leg)`, value: `${fmt(legs.map((l) => l.saturation.perSec))}; ${fmt(legs.map((l) => l.saturation.serverCpuUs))} µs`, unit: '' });
  }
  const e = of('express');
  const f = of('fastify');
  if (e.length && f.length) {
    const ratio = (g: (l: HttpStackLeg) => number) => `${Math.round((100 * mean(f.map(g))) / mean(e.map(g)))}%`;
    rows.push({ metric: `Fastify / Express: server CPU per request at ${o.rate}/s; closed-loop throughput`, value: `${ratio((l) => l.paced.serverCpuUs)}; ${ratio((l) => l.saturation.perSec)}`, unit: '' });
  }
  return rows;
}
