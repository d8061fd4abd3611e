/**
 * The isolation matrix: every identity of the provisioned topology x every act, each with the
 * outcome the topology implies (allowed or denied), tried for real against running servers.
 * Generated from the manifest, so a new identity or agency is covered without editing this file.
 * Used by `shekara bus check` and by test/bus/isolation.test.ts.
 *
 * An act counts as ALLOWED only on evidence: a PubAck, a reply from a handler, a JetStream API
 * answer from the targeted stream, a message received by a probe subscription, or a forged
 * payload found in a stream or a handler afterwards. Errors, no responders and silence are DENIED.
 */
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { BusNames, RpcMethod, type AgencyCode, type RpcTarget, type StreamSpec } from '@shekara/contracts';
import { accountOf, ownJetStreams, type ProvisionedBus, type ServerEntry, type Topology, type IdentityEntry } from '@shekara/bus-topology';
import { connectBus, ensureOwnStreams, nativeNkeyAuthenticator } from '@shekara/messaging';

export type Outcome = 'allowed' | 'denied';

export interface Act {
  actor: string;
  /** Short act name: publish-as, subscribe, js-stream-purge, rpc-call, connect-anonymous… */
  act: string;
  /** What the act is aimed at (subject, stream, server). */
  target: string;
  expect: Outcome;
}

export interface ActResult extends Act {
  outcome: Outcome;
  detail: string;
}

export interface MatrixOptions {
  /** Per-request timeout for acts expected to fail (ms). */
  timeoutMs?: number;
  /**
   * A system in service: skip the acts that store marked test messages in its inboxes, and do not
   * stand in for its RPC handlers (no allowed RPC acts; forged calls meet its real handlers).
   */
  forbiddenOnly?: boolean;
}

const SHORT = 1500;

/** The node (first identity) of each agency account, and the ledger's identity. */
function owners(t: Topology): { agencies: Map<AgencyCode, string>; ledger: string } {
  const agencies = new Map<AgencyCode, string>();
  for (const a of t.accounts) if (a.kind === 'agency') agencies.set(a.agency!, a.identities[0]);
  return { agencies, ledger: t.accounts.find((a) => a.kind === 'ledger')!.identities[0] };
}

function targetMethods(target: RpcTarget): RpcMethod[] {
  return target === 'supervisor' ? [RpcMethod.Verdicts, RpcMethod.DueEscalations, RpcMethod.MarkEscalated] : [RpcMethod.PrepareDrafts, RpcMethod.Notify];
}

/** Runs every act; returns one result per act, in a stable order. */
export async function runMatrix(bus: ProvisionedBus, o: MatrixOptions = {}): Promise<ActResult[]> {
  const t = bus.topology;
  const names = new BusNames(t.prefix);
  const timeout = o.timeoutMs ?? SHORT;
  const run = randomBytes(4).toString('hex');
  const results: ActResult[] = [];
  const record = (a: Act, outcome: Outcome, detail: string) => results.push({ ...a, outcome, detail });
  const { agencies, ledger } = owners(t);
  const ids = bus.manifest.identities;
  const agencyOf = (id: string): AgencyCode | undefined => accountOf(t, id)?.agency;

  // 1. Connections that must be refused.
  for (const s of bus.manifest.servers) {
    const url = bus.url(s.name);
    const tryConnect = async (act: string, opts: Parameters<typeof connect>[0]) => {
      try {
        const nc = await connect({ servers: [url], tls: { caFile: bus.path(bus.manifest.caFile) }, timeout, maxReconnectAttempts: 0, reconnect: false, ...opts });
        await nc.flush();
        await nc.close();
        record({ actor: act === 'connect-as' ? String(opts?.name) : '(attacker)', act, target: s.name, expect: 'denied' }, 'allowed', 'connected');
      } catch (e) {
        record({ actor: act === 'connect-as' ? String(opts?.name) : '(attacker)', act, target: s.name, expect: 'denied' }, 'denied', errText(e));
      }
    };
    await tryConnect('connect-anonymous', { name: 'anonymous' });
    await tryConnect('connect-wrong-nkey', { authenticator: nativeNkeyAuthenticator(createUser().getSeed()) });
    // Its key on every server process (every cluster member) but its own server's.
    for (const id of ids.filter((i) => i.server !== bus.groupOf(s))) await tryConnect('connect-as', { name: id.name, authenticator: nativeNkeyAuthenticator(bus.seed(id.name)) });
    const plain = await plaintextConnect(t.host, s.clientPort, ids.find((i) => i.server === bus.groupOf(s)), bus, timeout);
    record({ actor: '(attacker)', act: 'connect-plaintext', target: s.name, expect: 'denied' }, plain.ok ? 'allowed' : 'denied', plain.detail);
  }

  // 1b. Routes into a cluster: only its own members (certificates of the cluster's route CA) may join.
  for (const s of bus.manifest.servers.filter((x) => x.routesPort)) {
    for (const attempt of routeAttempts(bus, s)) {
      const r = await routeConnect(t.host, s.routesPort!, s.cluster!, attempt.cert, timeout);
      record({ actor: attempt.actor, act: attempt.act, target: s.name, expect: 'denied' }, r.ok ? 'allowed' : 'denied', r.detail);
    }
  }

  // 2. Everyone connects as itself; owners make sure their own streams and consumers exist.
  const conns = new Map<string, NatsConnection>();
  const probes = new Map<string, NatsConnection>();
  try {
    for (const id of ids) {
      try {
        conns.set(id.name, (await connectBus(bus, id.name, { persistent: false, timeoutMs: 5000 })).nc);
        probes.set(id.name, (await connectBus(bus, id.name, { persistent: false, timeoutMs: 5000 })).nc);
        record({ actor: id.name, act: 'connect-as-self', target: id.server, expect: 'allowed' }, 'allowed', 'connected');
      } catch (e) {
        record({ actor: id.name, act: 'connect-as-self', target: id.server, expect: 'allowed' }, 'denied', errText(e));
      }
    }
    const nc = (id: string) => {
      const c = conns.get(id);
      if (!c) throw new Error(`${id} is not connected`);
      return c;
    };
    const jsa = ownJetStreams(t);
    const startSeq = new Map<string, number>();
    for (const acc of jsa) {
      const a = { actor: acc.owner, act: 'js-own-streams', target: acc.streams.map((s) => s.name).join(','), expect: 'allowed' as Outcome };
      try {
        const jsm = await jetstreamManager(nc(acc.owner));
        // A running system's streams are left as its nodes configured them; missing ones are created.
        const present = await Promise.all(acc.streams.map((s) => jsm.streams.info(s.name).then(() => true, () => false)));
        if (!present.every(Boolean)) await ensureOwnStreams(bus, { nc: nc(acc.owner), identity: bus.identity(acc.owner), jetstreamDomain: acc.domain }, { replicas: 1, duplicateWindowMs: 120_000 }, { ackWaitMs: 30_000 });
        for (const s of acc.streams) startSeq.set(s.name, (await jsm.streams.info(s.name)).state.last_seq);
        record(a, 'allowed', 'created or present');
      } catch (e) {
        record(a, 'denied', errText(e));
      }
    }

    // 3. RPC handlers of every target, reporting the caller the server routed.
    const handled: string[] = [];
    const targets: Array<{ target: RpcTarget; id: string }> = [...[...agencies].map(([ag, id]) => ({ target: ag as RpcTarget, id })), { target: 'supervisor', id: ledger }];
    // Not on a system in service (forbidden-only): these would answer its real callers. There, a
    // forged call that reaches a real handler still gets a reply, which counts as a hole.
    for (const h of o.forbiddenOnly ? [] : targets) {
      nc(h.id).subscribe(names.rpcHandlerSubject(h.target), {
        queue: names.rpcQueue(h.target),
        callback: (err, m) => {
          if (err) return;
          handled.push(new TextDecoder().decode(m.data));
          const route = names.rpcRoute(m.subject, h.target);
          m.respond(JSON.stringify({ caller: route?.caller ?? null, method: route?.method ?? null }));
        },
      });
      await nc(h.id).flush();
    }

    // 4. Probe subscriptions: everything an identity must not read.
    const probeSubs: Array<{ act: Act; got: string[]; err?: string }> = [];
    for (const id of ids) {
      const pc = probes.get(id.name);
      if (!pc) continue;
      const mine = agencyOf(id.name);
      const patterns: string[] = ['>', '_INBOX.>', '$JS.ACK.>', `${t.prefix}.>`];
      for (const ag of agencies.keys()) if (ag !== mine) patterns.push(`${t.prefix}.inbox.${ag}.>`, `${t.prefix}.dlq.${ag}`, names.rpcHandlerSubject(ag));
      if (id.kind !== 'ledger') patterns.push(`${t.prefix}.audit.>`, names.rpcHandlerSubject('supervisor'));
      for (const other of ids) if (other.name !== id.name) patterns.push(`${other.inboxPrefix}.>`);
      for (const p of patterns) {
        const probe = { act: { actor: id.name, act: 'subscribe', target: p, expect: 'denied' as Outcome }, got: [] as string[], err: undefined as string | undefined };
        probeSubs.push(probe);
        try {
          pc.subscribe(p, {
            callback: (err, m) => {
              if (err) probe.err = errText(err);
              else probe.got.push(m.subject);
            },
          });
        } catch (e) {
          probe.err = errText(e);
        }
      }
      await pc.flush().catch(() => undefined);
    }

    // 5. Allowed traffic: envelopes, audit batches, own dead letters, granted RPCs.
    const legit: Array<{ stream: string; marker: string; subject: string }> = [];
    if (!o.forbiddenOnly) {
      for (const a of t.accounts.filter((x) => x.kind === 'agency')) {
        const me = a.agency!;
        const sender = a.identities[0];
        const js = jetstream(nc(sender));
        const pub = async (act: Act, subject: string, stream: string, domain: string) => {
          const marker = `ok:${run}:${act.actor}:${act.act}:${subject}`;
          try {
            const ack = await retry(() => js.publish(subject, marker, { msgID: marker, timeout: 5000 }));
            const good = ack.stream === stream && (ack.domain ?? '') === domain;
            if (good) legit.push({ stream, marker, subject });
            record(act, good ? 'allowed' : 'denied', `PubAck ${ack.stream}@${ack.domain ?? ''} seq ${ack.seq}`);
          } catch (e) {
            record(act, 'denied', errText(e));
          }
        };
        for (const to of a.sendsTo!) {
          const dest = t.accounts.find((x) => x.agency === to)!;
          await pub({ actor: sender, act: 'send-envelope', target: names.inboxFrom(to, me), expect: 'allowed' }, names.inboxFrom(to, me), names.inboxFromStream(to).name, dest.leaf!.jetstreamDomain);
        }
        if (t.accounts.find((x) => x.kind === 'ledger')!.auditFrom!.includes(me)) {
          await pub({ actor: sender, act: 'publish-audit', target: names.auditBatchSubject(me), expect: 'allowed' }, names.auditBatchSubject(me), names.auditStream().name, t.hub.jetstreamDomain);
        }
        await pub({ actor: sender, act: 'publish-own-dlq', target: names.deadLetterSubject(me), expect: 'allowed' }, names.deadLetterSubject(me), names.ownDeadLetterStream(me).name, a.leaf!.jetstreamDomain);
      }
    }
    for (const g of o.forbiddenOnly ? [] : t.rpc) {
      for (const m of g.methods) {
        const subject = names.rpcFrom(g.target, g.caller, m);
        const act = { actor: g.caller, act: 'rpc-call', target: subject, expect: 'allowed' as Outcome };
        try {
          const r = await retry(() => nc(g.caller).request(subject, `ok:${run}`, { timeout: 5000 }));
          const body = JSON.parse(new TextDecoder().decode(r.data)) as { caller: string; method: string };
          const good = body.caller === g.caller && body.method === m;
          record(act, good ? 'allowed' : 'denied', `handler saw caller ${body.caller} method ${body.method}`);
        } catch (e) {
          record(act, 'denied', errText(e));
        }
      }
    }

    // 6. Forbidden publishes: as another sender, to another's dead letters or audit, RPCs not granted.
    const forged: Array<{ act: Act; marker: string }> = [];
    const forge = (act: Act) => {
      const marker = `forge:${run}:${forged.length}`;
      forged.push({ act, marker });
      return marker;
    };
    const tasks: Array<Promise<void>> = [];
    for (const id of ids) {
      const c = conns.get(id.name);
      if (!c) continue;
      const js = jetstream(c);
      const mine = agencyOf(id.name);
      const tryPub = (act: Act) =>
        tasks.push(
          (async () => {
            const marker = forge(act);
            try {
              const ack = await js.publish(act.target, marker, { msgID: marker, timeout });
              record(act, 'allowed', `PubAck ${ack.stream} seq ${ack.seq}`);
            } catch (e) {
              record(act, 'denied', errText(e));
            }
          })(),
        );
      for (const to of agencies.keys()) {
        for (const s of agencies.keys()) {
          const granted = mine === s && s !== to && t.accounts.find((a) => a.agency === s)!.sendsTo!.includes(to);
          if (!granted) tryPub({ actor: id.name, act: 'publish-as', target: names.inboxFrom(to, s), expect: 'denied' });
        }
        if (to !== mine) {
          tryPub({ actor: id.name, act: 'publish-dlq', target: names.deadLetterSubject(to), expect: 'denied' });
          tryPub({ actor: id.name, act: 'publish-audit', target: names.auditBatchSubject(to), expect: 'denied' });
        }
      }
      // RPCs: as itself or as any other identity, to every target and method not granted to it.
      const callers = new Set(ids.map((i) => i.name));
      for (const { target } of targets) {
        for (const caller of callers) {
          for (const m of targetMethods(target)) {
            const granted = caller === id.name && t.rpc.some((g) => g.caller === id.name && g.target === target && g.methods.includes(m));
            if (granted) continue;
            const act = { actor: id.name, act: 'rpc-call', target: names.rpcFrom(target, caller, m), expect: 'denied' as Outcome };
            tasks.push(
              (async () => {
                const marker = forge(act);
                try {
                  const r = await c.request(act.target, marker, { timeout });
                  record(act, 'allowed', `answered: ${new TextDecoder().decode(r.data)}`);
                } catch (e) {
                  record(act, 'denied', errText(e));
                }
              })(),
            );
          }
        }
      }
      // JetStream management of every other account's streams and consumers, by domain and plain API.
      for (const acc of jsa.filter((x) => x.owner !== id.name && accountOf(t, x.owner) !== accountOf(t, id.name))) {
        for (const api of [`$JS.${acc.domain}.API`, '$JS.API']) {
          const ops: Array<[string, string, string]> = [];
          for (const s of acc.streams) {
            ops.push(['js-stream-info', `${api}.STREAM.INFO.${s.name}`, '']);
            ops.push(['js-stream-purge', `${api}.STREAM.PURGE.${s.name}`, '']);
            ops.push(['js-stream-delete', `${api}.STREAM.DELETE.${s.name}`, '']);
            ops.push(['js-consumer-create', `${api}.CONSUMER.CREATE.${s.name}`, JSON.stringify({ stream_name: s.name, config: { ack_policy: 'explicit' } })]);
          }
          for (const cs of acc.consumers) {
            ops.push(['js-consumer-info', `${api}.CONSUMER.INFO.${cs.stream}.${cs.durable}`, '']);
            ops.push(['js-consumer-delete', `${api}.CONSUMER.DELETE.${cs.stream}.${cs.durable}`, '']);
            ops.push(['js-msg-next', `${api}.CONSUMER.MSG.NEXT.${cs.stream}.${cs.durable}`, JSON.stringify({ batch: 1, no_wait: true })]);
          }
          for (const [name, subject, payload] of ops) {
            const act = { actor: id.name, act: name, target: `${subject} (${acc.owner})`, expect: 'denied' as Outcome };
            tasks.push(
              (async () => {
                try {
                  const r = await c.request(subject, payload, { timeout });
                  const verdict = judgeJsReply(r, name);
                  record(act, verdict.outcome, verdict.detail);
                } catch (e) {
                  record(act, 'denied', errText(e));
                }
              })(),
            );
          }
        }
      }
    }
    await Promise.all(tasks);
    await new Promise((r) => setTimeout(r, 500));

    // 7. Evidence: what the streams and handlers hold, what the probes saw.
    const stored: Array<{ stream: string; subject: string; data: string }> = [];
    for (const acc of jsa) {
      const c = conns.get(acc.owner);
      if (!c) continue;
      const jsm = await jetstreamManager(c);
      for (const s of acc.streams) stored.push(...(await readSince(jsm, s.name, startSeq.get(s.name) ?? 0)));
    }
    for (const f of forged) {
      const hit = stored.find((x) => x.data === f.marker) ?? (handled.includes(f.marker) ? { stream: 'rpc handler', subject: f.act.target } : undefined);
      if (hit) {
        const r = results.find((x) => x.actor === f.act.actor && x.act === f.act.act && x.target === f.act.target);
        if (r) {
          r.outcome = 'allowed';
          r.detail = `reached ${hit.stream} (${hit.subject})`;
        }
      }
    }
    for (const l of legit) {
      const found = stored.find((x) => x.data === l.marker && x.stream === l.stream && x.subject === l.subject);
      const owner = jsa.find((a) => a.streams.some((s) => s.name === l.stream))!.owner;
      record({ actor: owner, act: 'read-own-stream', target: `${l.stream} ${l.subject}`, expect: 'allowed' }, found ? 'allowed' : 'denied', found ? 'stored with the sender in the subject' : 'not found');
    }
    if (!o.forbiddenOnly) {
      // Each owner reads and acks its own inbox through its own consumer (a temporary durable).
      for (const acc of jsa) {
        const act = { actor: acc.owner, act: 'consume-and-ack', target: acc.streams[0].name, expect: 'allowed' as Outcome };
        const want = legit.filter((l) => l.stream === acc.streams[0].name).map((l) => l.marker);
        if (want.length === 0) continue;
        try {
          const got = await consumeOwn(conns.get(acc.owner)!, acc.streams[0], `bus-check-${run}`, startSeq.get(acc.streams[0].name) ?? 0, want.length);
          const ok = want.every((w) => got.includes(w));
          record(act, ok ? 'allowed' : 'denied', `${got.length} consumed and acked`);
        } catch (e) {
          record(act, 'denied', errText(e));
        }
      }
    }
    for (const p of probeSubs) {
      record(p.act, p.got.length > 0 ? 'allowed' : 'denied', p.got.length > 0 ? `received ${p.got.length}: ${p.got.slice(0, 3).join(', ')}` : (p.err ?? 'received nothing'));
    }
  } finally {
    await Promise.all([...conns.values(), ...probes.values()].map((c) => c.close().catch(() => undefined)));
  }
  return results;
}

/**
 * An allowed act is retried a few times (with the same Nats-Msg-Id, as the services do): right after
 * servers start, interest may still be crossing the leaf links. Forbidden acts get one attempt.
 */
async function retry<T>(f: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A JetStream API reply: only an answer from the targeted object counts as access. */
function judgeJsReply(r: Msg, op: string): { outcome: Outcome; detail: string } {
  const status = r.headers?.code ?? 0;
  if (op === 'js-msg-next') {
    // 404/408 from the consumer itself still means it was reached; 503 is "no responders".
    if (status === 503) return { outcome: 'denied', detail: 'no responders' };
    return { outcome: 'allowed', detail: status ? `consumer answered ${status}` : 'got a message' };
  }
  if (status === 503) return { outcome: 'denied', detail: 'no responders' };
  try {
    const body = JSON.parse(new TextDecoder().decode(r.data)) as { error?: { code: number; description: string } };
    if (body.error) return { outcome: 'denied', detail: `${body.error.code} ${body.error.description}` };
  } catch {
    return { outcome: 'denied', detail: 'not a JetStream reply' };
  }
  return { outcome: 'allowed', detail: 'JetStream API answered with success' };
}

async function readSince(jsm: JetStreamManager, stream: string, from: number): Promise<Array<{ stream: string; subject: string; data: string }>> {
  const info = await jsm.streams.info(stream);
  const out: Array<{ stream: string; subject: string; data: string }> = [];
  for (let seq = from + 1; seq <= info.state.last_seq; seq++) {
    try {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m) out.push({ stream, subject: m.subject, data: new TextDecoder().decode(m.data) });
    } catch {
      // deleted or purged
    }
  }
  return out;
}

async function consumeOwn(nc: NatsConnection, stream: StreamSpec, durable: string, afterSeq: number, count: number): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream.name, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: 'by_start_sequence' as never, opt_start_seq: afterSeq + 1, filter_subject: stream.subjects[0] });
  try {
    const c = await jetstream(nc).consumers.get(stream.name, durable);
    const got: string[] = [];
    const batch = await c.fetch({ max_messages: count + 10, expires: 2000 });
    for await (const m of batch) {
      got.push(m.string());
      await m.ackAck();
      if (got.length >= count) break;
    }
    return got;
  } finally {
    await jsm.consumers.delete(stream.name, durable).catch(() => undefined);
  }
}

/** CONNECT in plaintext (valid nkey signature) to a TLS-only server: must be refused. */
async function plaintextConnect(host: string, port: number, id: IdentityEntry | undefined, bus: ProvisionedBus, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = '';
    let sent = false;
    const done = (ok: boolean, detail: string) => {
      sock.destroy();
      clearTimeout(timer);
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => done(false, sent ? 'no PONG' : 'no INFO'), timeoutMs);
    sock.on('error', (e) => done(false, e.message));
    sock.on('close', () => done(false, buf.includes('-ERR') ? buf.trim().split('\r\n').pop()! : 'closed'));
    sock.connect(port, host, () => undefined);
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (!sent && buf.includes('\r\n')) {
        sent = true;
        const info = JSON.parse(buf.slice(5, buf.indexOf('\r\n'))) as { nonce?: string };
        const connectOpts: Record<string, unknown> = { verbose: false, pedantic: false, tls_required: false, name: 'plaintext', lang: 'node', version: '0', protocol: 1 };
        if (id && info.nonce) {
          const kp = fromSeed(bus.seed(id.name));
          connectOpts.nkey = kp.getPublicKey();
          connectOpts.sig = Buffer.from(kp.sign(new TextEncoder().encode(info.nonce))).toString('base64url');
        }
        sock.write(`CONNECT ${JSON.stringify(connectOpts)}\r\nPING\r\n`);
        return;
      }
      if (sent && /PONG\r\n/.test(buf.slice(buf.indexOf('\r\n')))) done(true, 'PONG in plaintext');
      if (sent && buf.includes('-ERR')) done(false, buf.slice(buf.indexOf('-ERR')).split('\r\n')[0]);
    });
  });
}

export interface RouteCert {
  cert: Buffer;
  key: Buffer;
}

/**
 * Who tries to open a route into a cluster member: nobody (plaintext, TLS without a certificate),
 * and every other server process with the certificates it holds: its client/leaf certificate
 * (signed by the development CA, as every server's is, the member's own included) and, for a
 * member of another cluster, its route certificate. Certificates not readable here are skipped.
 */
function routeAttempts(bus: ProvisionedBus, target: ServerEntry): Array<{ actor: string; act: string; cert?: RouteCert | 'none' }> {
  const out: Array<{ actor: string; act: string; cert?: RouteCert | 'none' }> = [
    { actor: '(attacker)', act: 'route-plaintext' },
    { actor: '(attacker)', act: 'route-no-cert', cert: 'none' },
  ];
  const read = (base: string): RouteCert | undefined => {
    try {
      return { cert: readFileSync(bus.path(`${base}.pem`)), key: readFileSync(bus.path(`${base}.key`)) };
    } catch {
      return undefined;
    }
  };
  for (const s of bus.manifest.servers) {
    const dir = dirname(s.config);
    const own = read(join(dir, 'tls', s.cluster ? s.name : 'server'));
    if (own) out.push({ actor: s.name, act: 'route-with-server-cert', cert: own });
    if (s.cluster && s.cluster !== target.cluster) {
      const route = read(join(dir, 'tls', `${s.name}-route`));
      if (route) out.push({ actor: s.name, act: 'route-with-other-cluster-cert', cert: route });
    }
  }
  return out;
}

/**
 * Opens a route connection the way a server does (TLS first: a route listener with TLS starts the
 * handshake before anything else; then a route CONNECT and PING): a PONG is the evidence of a route
 * accepted. `cert` undefined: no TLS at all; 'none': TLS without a client certificate. The server's
 * certificate is not checked (an attacker does not care whom it talks to).
 */
export async function routeConnect(host: string, port: number, cluster: string, cert: RouteCert | 'none' | undefined, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let sock: Socket | TLSSocket | undefined;
    let buf = '';
    let finished = false;
    const done = (ok: boolean, detail: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock?.destroy();
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => done(false, 'no PONG'), timeoutMs);
    const connectLine = `CONNECT ${JSON.stringify({ verbose: false, pedantic: false, tls_required: cert !== undefined, name: `NROGUE${randomBytes(6).toString('hex').toUpperCase()}`, cluster, headers: true })}\r\nPING\r\n`;
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      if (/(^|\r\n)PONG\r\n/.test(buf)) done(true, 'PONG: route accepted');
      else if (buf.includes('-ERR')) done(false, buf.slice(buf.indexOf('-ERR')).split('\r\n')[0]);
    };
    if (cert === undefined) {
      const raw = new Socket();
      sock = raw;
      raw.on('error', (e) => done(false, e.message));
      raw.on('close', () => done(false, 'closed'));
      raw.on('data', onData);
      raw.connect(port, host, () => raw.write(connectLine));
      return;
    }
    const secure = tlsConnect({ host, port, rejectUnauthorized: false, ...(cert === 'none' ? {} : { cert: cert.cert, key: cert.key }) });
    sock = secure;
    secure.on('error', (e) => done(false, `TLS: ${/alert [a-z ]+/.exec(e.message)?.[0] ?? e.message.slice(0, 100)}`));
    secure.on('close', () => done(false, 'closed'));
    secure.on('data', onData);
    secure.once('secureConnect', () => secure.write(connectLine));
  });
}

function errText(e: unknown): string {
  const err = e as { message?: string; name?: string };
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`.slice(0, 160);
}

/** The holes: acts whose outcome is not the one expected. */
export function holes(results: ActResult[]): ActResult[] {
  return results.filter((r) => r.outcome !== r.expect);
}

/** The matrix as a text table (one row per act). */
export function renderMatrix(results: ActResult[]): string {
  const rows = results.map((r) => [r.outcome === r.expect ? 'ok' : 'HOLE', r.actor, r.act, r.expect, r.outcome, r.target, r.detail]);
  const head = ['', 'identity', 'act', 'expected', 'outcome', 'target', 'detail'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]))).join('  ');
  const bad = holes(results).length;
  return [line(head), ...rows.map(line), '', `${results.length} acts, ${bad} hole${bad === 1 ? '' : 's'}`].join('\n');
}
