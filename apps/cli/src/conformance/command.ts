/**
 * `shekara conformance`: runs the conformance cases (cases.ts) against a running agency node, as
 * one of its peers on the bus, with that peer's real keys, and prints pass/fail per case.
 *
 * An accepted case passes when the node answers with a DELIVERED receipt that verifies (the
 * receipt goes through the same checks a node makes: InboxChecks). A refused case passes when the
 * node dead-lettered it with the expected code (its admin API, matched by the stream and sequence
 * JetStream acknowledged) and, for a refusal after the origin verified, answered with a REJECTED
 * receipt stating that code; a refusal of origin must get no receipt at all.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { InboxChecks } from '@shekara/agency-node';
import { Clock, uuidv7 } from '@shekara/common';
import { AGENCIES, BUNDLE_HEADER, BusNames, DeadLetterReason, DeliveryOutcome, deadLetterReasonOf, envelopesOf, isAgencyCode } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import type { CliIo } from '../audit/command';
import { ENVELOPE_CASES, pickUnits, type CaseContext, type CaseKey, type EnvelopeCase } from './cases';

export const CONFORMANCE_USAGE = `Usage: shekara conformance --node <url> --user <admin> --password <password> --agency <its agency>
         --nats <url> --as <peer agency> --keys <peer keys.json> --directory <directory.json> [options]

Sends every conformance case (docs/protocol.md, test/fixtures/vectors) to a running node's inbox as
the peer agency's node, and prints PASS/FAIL per case; exit 1 on any failure, 64 on bad usage.

  --node URL              the node's HTTP address (its admin API shows its dead letters)
  --user, --password      an admin account of that node
  --agency CODE           the node's agency (interior, border, customs)
  --nats URL              the bus server the peer connects to
  --nkey FILE             the peer node's nkey seed file (per-agency bus); --ca FILE its CA certificate;
  --inbox-prefix P        where replies may come (per-agency bus: _INBOX_<identity>)
  --as CODE               the peer agency whose node the kit plays
  --keys FILE             that agency's key file (shekara-keys/1)
  --directory FILE        the signed directory (public/directory.json)
  --prefix P              bus prefix (default shekara)
  --inbox-subject S       where to publish (default <p>.inbox.<agency>.from.<peer>)
  --receipts-subject S    where the node's receipts come (default <p>.inbox.<peer>.from.<agency>), read
                          with an ordered consumer from the peer's own inbox stream
  --timeout-ms N          how long to wait for all outcomes (default 15000)
  --lang en|ru            the language of errors (default en)`;

export type Lang = 'en' | 'ru';

/** Bad usage, said in English and in Russian (`--lang ru`). */
export class ConformanceUsageError extends Error {
  constructor(
    en: string,
    readonly ru: string,
  ) {
    super(en);
  }
  render(lang: Lang): string {
    return lang === 'ru' ? this.ru : this.message;
  }
}

/** The language asked for with `--lang ru` (English otherwise). */
export function conformanceLang(args: readonly string[]): Lang {
  const i = args.indexOf('--lang');
  return i >= 0 && args[i + 1] === 'ru' ? 'ru' : 'en';
}

export interface ConformanceOptions {
  node: string;
  user: string;
  password: string;
  agency: AgencyCode;
  nats: string;
  nkey?: string;
  ca?: string;
  inboxPrefix?: string;
  as: AgencyCode;
  keys: string;
  directory: string;
  prefix: string;
  inboxSubject?: string;
  receiptsSubject?: string;
  timeoutMs: number;
  lang: Lang;
}

export function parseConformanceArgs(args: readonly string[]): ConformanceOptions | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') return 'help';
    if (!a.startsWith('--')) throw new ConformanceUsageError(`unexpected argument ${JSON.stringify(a)}`, `лишний аргумент ${JSON.stringify(a)}`);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new ConformanceUsageError(`${a} needs a value`, `у ${a} нет значения`);
    values.set(a.slice(2), v);
    i++;
  }
  const known = ['lang', 'node', 'user', 'password', 'agency', 'nats', 'nkey', 'ca', 'inbox-prefix', 'as', 'keys', 'directory', 'prefix', 'inbox-subject', 'receipts-subject', 'timeout-ms'];
  for (const k of values.keys()) if (!known.includes(k)) throw new ConformanceUsageError(`unknown option --${k}`, `неизвестный параметр --${k}`);
  const lang = values.get('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'ru') throw new ConformanceUsageError('--lang must be en or ru', '--lang: en или ru');
  const need = (k: string) => {
    const v = values.get(k);
    if (!v) throw new ConformanceUsageError(`--${k} is required`, `не задан обязательный параметр --${k}`);
    return v;
  };
  const agencyOf = (k: string): AgencyCode => {
    const v = need(k);
    if (!isAgencyCode(v)) throw new ConformanceUsageError(`--${k} must be one of ${AGENCIES.join(', ')}: ${JSON.stringify(v)}`, `--${k}: одно из ${AGENCIES.join(', ')}, а не ${JSON.stringify(v)}`);
    return v;
  };
  const node = need('node');
  if (!/^https?:\/\/[^\s]+$/.test(node)) throw new ConformanceUsageError(`--node must be an http(s) URL: ${JSON.stringify(node)}`, `--node: нужен адрес http(s), а не ${JSON.stringify(node)}`);
  const timeoutMs = Number(values.get('timeout-ms') ?? 15000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) throw new ConformanceUsageError('--timeout-ms must be an integer from 100 to 600000', '--timeout-ms: целое число от 100 до 600000');
  const agency = agencyOf('agency');
  const as = agencyOf('as');
  if (agency === as) throw new ConformanceUsageError('--as must be another agency than --agency', '--as: другое ведомство, не то, что в --agency');
  return {
    node: node.replace(/\/+$/, ''),
    user: need('user'),
    password: need('password'),
    agency,
    nats: need('nats'),
    nkey: values.get('nkey'),
    ca: values.get('ca'),
    inboxPrefix: values.get('inbox-prefix'),
    as,
    keys: need('keys'),
    directory: need('directory'),
    prefix: values.get('prefix') ?? 'shekara',
    inboxSubject: values.get('inbox-subject'),
    receiptsSubject: values.get('receipts-subject'),
    timeoutMs,
    lang,
  };
}

interface Sent {
  c: EnvelopeCase;
  messageId?: string;
  stream: string;
  seq: number;
  /** Receipts received for it: outcome and reason. */
  receipts: { outcome: DeliveryOutcome; reason: string; from: string }[];
  /** Its dead letter's reason, once seen. */
  deadLetter?: string;
}

/** Every case the kit can run against a live node (the others need a key state only the operator can make). */
export function liveCases(hasStranger: boolean): { run: EnvelopeCase[]; skipped: { c: EnvelopeCase; why: string }[] } {
  const run: EnvelopeCase[] = [];
  const skipped: { c: EnvelopeCase; why: string }[] = [];
  for (const c of ENVELOPE_CASES) {
    if (c.offlineOnly) skipped.push({ c, why: 'needs an expired, revoked or future key: covered offline by the vectors test' });
    else if (c.needsStranger && !hasStranger) skipped.push({ c, why: 'every unit of the agency may receive from the sender' });
    else run.push(c);
  }
  return { run, skipped };
}

/** A run that could not start or finish (bad files, refused sign-in, no bus) is said plainly, exit 1. */
export async function runConformance(o: ConformanceOptions, io: CliIo): Promise<number> {
  try {
    return await conformanceRun(o, io);
  } catch (e) {
    // What the operator gave or what is down (files, credentials, the node, the bus): a clear line, no stack.
    const message = e instanceof RunError && o.lang === 'ru' ? e.ru : e instanceof Error ? e.message : String(e);
    io.stderr.write(`shekara conformance: ${message}\n`);
    return 1;
  }
}

/** A failure of the run with its Russian text. */
class RunError extends Error {
  constructor(
    en: string,
    readonly ru: string,
  ) {
    super(en);
  }
}

async function conformanceRun(o: ConformanceOptions, io: CliIo): Promise<number> {
  const out = (line: string) => io.stdout.write(line + '\n');
  const names = new BusNames(o.prefix);
  const directory = loadDirectory(o.directory);
  const keys = loadAgencyKeys(o.keys, o.as, directory);
  const now = io.now();
  const validKey = (unit: string): CaseKey | undefined => {
    for (const [keyId, privateKey] of keys as Map<string, KeyObject>) if (directory.keyOwner(keyId) === unit && directory.keyValidAt(keyId, now).ok) return { keyId, privateKey };
    return undefined;
  };
  const units = pickUnits(directory, o.agency, o.as, (u) => validKey(u) !== undefined);
  const clock = new (class extends Clock {
    now = () => io.now();
  })();
  const ctx: CaseContext = { ...units, senderKey: validKey(units.sender)!, otherKey: validKey(units.other)!, now, newId: () => uuidv7(clock) };
  const inbox = o.inboxSubject ?? names.inboxFrom(o.agency, o.as);
  const receiptsSubject = o.receiptsSubject ?? names.inboxFrom(o.as, o.agency);
  out(`conformance of the ${o.agency} node ${o.node} as ${o.as} (sender ${units.sender}, recipient ${units.recipient}); publishing to ${inbox}`);

  const token = await login(o);
  const nc = await connect({
    servers: [o.nats],
    name: `conformance-${o.as}`,
    ...(o.nkey ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(o.nkey, 'utf8').trim())) } : {}),
    ...(o.ca ? { tls: { caFile: o.ca } } : {}),
    ...(o.inboxPrefix ? { inboxPrefix: o.inboxPrefix } : {}),
    timeout: 5000,
    maxReconnectAttempts: 0,
  }).catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new RunError(`cannot connect to the bus at ${o.nats}: ${why}`, `нет соединения с шиной ${o.nats}: ${why}`);
  });
  try {
    const { run, skipped } = liveCases(units.stranger !== undefined);
    const sent = new Map<string, Sent>();
    // Receipts of the node for the cases' messages: each verified as a node would verify it.
    const receiptChecks = new InboxChecks(directory, o.as, () => io.now());
    // The receipts come into the peer's own inbox stream (in its own JetStream domain, on the
    // per-agency bus nobody may core-subscribe to an inbox subject): read with an ordered consumer
    // from the stream's end, filtered to this node's receipts, made before anything is sent (one filter_subject: NATS 2.9).
    const receiptsStream = names.inboxFromStream(o.as).name;
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(receiptsStream).catch((e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      throw new RunError(`cannot read the ${o.as} inbox stream ${receiptsStream} (where the receipts come): ${why}`, `нет доступа к потоку входящих ${o.as} ${receiptsStream} (куда приходят квитанции): ${why}`);
    });
    const consumer = await js.consumers.get(receiptsStream, { filter_subjects: receiptsSubject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: info.state.last_seq + 1 });
    const messages = await consumer.consume();
    const listening = (async () => {
      for await (const m of messages) {
        // A node bundles receipts it sends at the same moment (docs/protocol.md, "Bundles").
        let parts: Uint8Array[];
        try {
          parts = envelopesOf(m.data, m.headers?.get(BUNDLE_HEADER) || undefined);
        } catch {
          continue; // a malformed bundle carries no receipt that counts
        }
        for (const part of parts) {
          let env;
          try {
            env = receiptChecks.verify(part).env;
          } catch {
            continue; // not a receipt that verifies (or not ours): a forged one must not pass a case
          }
          const p = env.payload;
          if (p.case !== 'deliveryReceipt') continue;
          const s = [...sent.values()].find((x) => x.messageId && x.messageId === p.value.messageId);
          if (s && env.recipientUnits.includes(units.sender)) s.receipts.push({ outcome: p.value.outcome, reason: p.value.reason, from: env.senderUnit });
        }
      }
    })();
    for (const c of run) {
      const { bytes, messageId } = c.build({ ...ctx, now: io.now() });
      const ack = await js.publish(inbox, bytes, { msgID: messageId ?? randomUUID() });
      sent.set(c.name, { c, messageId, stream: ack.stream, seq: ack.seq, receipts: [] });
    }
    // Wait for every outcome (or the timeout).
    const deadline = Date.now() + o.timeoutMs;
    const settled = (s: Sent) => (s.c.expect === 'ok' ? s.receipts.length > 0 : s.deadLetter !== undefined && (!REJECTED_WITH_RECEIPT.has(s.c.expect) || s.receipts.length > 0));
    while (Date.now() < deadline) {
      await readDeadLetters(o, token, sent);
      if ([...sent.values()].every(settled)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // A last short wait so a receipt that should not come has had its chance.
    await new Promise((r) => setTimeout(r, 500));
    await readDeadLetters(o, token, sent);
    await messages.close();
    await listening;

    let failures = 0;
    for (const s of sent.values()) {
      const problem = judge(s, units.recipient);
      if (problem) failures++;
      out(`${problem ? 'FAIL' : 'PASS'}  ${s.c.name.padEnd(30)} ${s.c.expect === 'ok' ? 'accepted' : `refused: ${s.c.expect}`}${problem ? ` — ${problem}` : ''}`);
    }
    for (const { c, why } of skipped) out(`SKIP  ${c.name.padEnd(30)} ${why}`);
    out(`${sent.size - failures} passed, ${failures} failed, ${skipped.length} skipped`);
    return failures ? 1 : 0;
  } finally {
    await nc.close();
  }
}

/**
 * Codes answered with a REJECTED receipt the sender can accept (docs/protocol.md section 4). `not
 * addressed` has no local unit to sign one; the REJECTED receipt of `not permitted` comes from a
 * unit the sender may not receive from, so the sender's node refuses it: neither is judged here.
 */
const REJECTED_WITH_RECEIPT = new Set<string>([DeadLetterReason.Schema, DeadLetterReason.ClockSkew, DeadLetterReason.ImplausibleTime]);
/** Origin refusals: never answered. */
const NEVER_ANSWERED = new Set<string>([DeadLetterReason.Malformed, DeadLetterReason.Unsigned, DeadLetterReason.BadSignature, DeadLetterReason.UnknownKey, DeadLetterReason.KeyNotYetValid, DeadLetterReason.ExpiredKey, DeadLetterReason.RevokedKey]);

/** Why a case failed, or undefined when it passed. */
export function judge(s: Sent, recipient: string): string | undefined {
  if (s.c.expect === 'ok') {
    if (s.deadLetter !== undefined) return `dead-lettered: ${s.deadLetter}`;
    const delivered = s.receipts.find((r) => r.outcome === DeliveryOutcome.DELIVERED && r.from === recipient);
    return delivered ? undefined : s.receipts.length ? `receipts ${JSON.stringify(s.receipts)}, no DELIVERED from ${recipient}` : 'no signed DELIVERED receipt';
  }
  if (s.deadLetter === undefined) return 'not dead-lettered';
  const code = deadLetterReasonOf(s.deadLetter);
  if (code !== s.c.expect) return `dead-lettered as ${JSON.stringify(s.deadLetter.slice(0, 200))}`;
  if (s.receipts.some((r) => r.outcome === DeliveryOutcome.DELIVERED)) return 'answered DELIVERED';
  if (REJECTED_WITH_RECEIPT.has(s.c.expect)) {
    const rejected = s.receipts.find((r) => r.outcome === DeliveryOutcome.REJECTED);
    if (!rejected) return 'no signed REJECTED receipt';
    if (deadLetterReasonOf(rejected.reason) !== s.c.expect) return `REJECTED for ${JSON.stringify(rejected.reason.slice(0, 200))}`;
  } else if (NEVER_ANSWERED.has(s.c.expect) && s.receipts.length) return 'a message whose origin does not verify was answered with a receipt';
  return undefined;
}

async function login(o: ConformanceOptions): Promise<string> {
  const res = await fetch(`${o.node}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: o.user, password: o.password }) }).catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new RunError(`cannot reach the node at ${o.node}: ${why}`, `узел ${o.node} недоступен: ${why}`);
  });
  const body = (await res.json().catch(() => ({}))) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken) throw new RunError(`signing in to ${o.node} as ${o.user} failed: HTTP ${res.status}`, `вход на ${o.node} как ${o.user} не удался: HTTP ${res.status}`);
  return body.accessToken;
}

/** Marks each sent case whose dead letter the node's admin API shows (by the original stream and sequence). */
async function readDeadLetters(o: ConformanceOptions, token: string, sent: Map<string, Sent>): Promise<void> {
  const res = await fetch(`${o.node}/api/admin/dead-letters?page=1&pageSize=500`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new RunError(`reading the dead letters of ${o.node} failed: HTTP ${res.status}`, `не удалось прочитать мёртвые письма узла ${o.node}: HTTP ${res.status}`);
  const { items } = (await res.json()) as { items: { originalStream: string | null; originalSeq: string | null; reason: string }[] };
  for (const s of sent.values()) {
    const entry = items.find((d) => d.originalStream === s.stream && Number(d.originalSeq) === s.seq);
    if (entry) s.deadLetter = entry.reason;
  }
}
