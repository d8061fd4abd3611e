/**
 * The registry of every NATS subject, JetStream stream and durable consumer Shekara uses.
 *
 * These names are PERSISTED: streams and durable consumers live on in the NATS servers of every
 * agency, and third-party systems subscribe to the subjects. Never rename one casually — a rename
 * is a migration (create the new stream, drain the old one) and a contract change announced to
 * every agency. Add new names here, never inline a subject anywhere else.
 *
 * Every name is derived from a prefix so that test runs are isolated on a shared server
 * (production prefix: "shekara").
 */

import { AGENCIES, isAgencyCode, type AgencyCode } from './agencies';

/** Logical routes a JetStream consumer can deliver to a handler (the handler's @EventPattern). */
export enum BusRoute {
  /** Signed envelopes addressed to units of this agency: reports and receipts alike. */
  Inbox = 'inbox',
  /** Messages this node's consumer could not accept (bad signature, bad schema, deliveries exhausted). */
  DeadLetter = 'dead-letter',
  /** Audit events of every node, consumed by the supervisor ledger. */
  Audit = 'audit',
}

export const DEFAULT_BUS_PREFIX = 'shekara';

/** The last tokens of a witness request subject (not an RpcMethod: its body is C2SP text, not proto JSON). */
export const WITNESS_METHOD = 'witness.add-checkpoint';

/** Request/reply methods (payloads: proto/shekara/v1/rpc.proto, JSON form). */
export enum RpcMethod {
  /** node: PrepareDraftsRequest → PrepareDraftsResponse */
  PrepareDrafts = 'drafts.prepare',
  /** node: NotifyRequest → NotifyResponse */
  Notify = 'notify',
  /** supervisor: VerdictsRequest → VerdictsResponse */
  Verdicts = 'verdicts',
  /** supervisor: DueEscalationsRequest → DueEscalationsResponse */
  DueEscalations = 'escalations.due',
  /** supervisor: MarkEscalatedRequest → MarkEscalatedResponse */
  MarkEscalated = 'escalations.mark',
}

/** Who answers RPCs: an agency's node or the supervisor. */
export type RpcTarget = AgencyCode | 'supervisor';
/** Who calls RPCs (a lower-case identity name such as `scheduler`). */
export type RpcCaller = string;

export interface StreamSpec {
  name: string;
  subjects: string[];
}

export interface ConsumerSpec {
  route: BusRoute;
  stream: string;
  /** One filter subject per consumer (nats-server 2.9). */
  filterSubject: string;
  durable: string;
}

function streamName(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** All bus names for one prefix. */
export class BusNames {
  constructor(readonly prefix: string = DEFAULT_BUS_PREFIX) {
    if (!/^[a-z][a-z0-9_-]*$/.test(prefix)) throw new Error(`bad bus prefix: ${prefix}`);
  }

  /** `<prefix>.dlq.<agency>`: what the agency's consumers dead-lettered, with the reason in headers. */
  deadLetterSubject(agency: AgencyCode): string {
    return `${this.prefix}.dlq.${agency}`;
  }
  /** `<prefix>.audit.<agency>`: unsigned audit events, one AuditEvent a message (refused by the ledger). */
  auditSubject(agency: AgencyCode): string {
    return `${this.prefix}.audit.${agency}`;
  }
  /** `<prefix>.audit.<agency>.signed`: a SignedAuditBatch a message (what the nodes publish). */
  auditSignedSubject(agency: AgencyCode): string {
    return `${this.auditSubject(agency)}.signed`;
  }
  /**
   * The agency and form of a subject of the audit stream: `signed` (SignedAuditBatch), `batch`
   * (unsigned AuditEventBatch), `single` (unsigned AuditEvent); undefined for any other subject.
   */
  auditSubjectInfo(subject: string): { agency: AgencyCode; form: 'signed' | 'batch' | 'single' } | undefined {
    const head = `${this.prefix}.audit.`;
    if (!subject.startsWith(head)) return undefined;
    const [agency, form, ...rest] = subject.slice(head.length).split('.');
    if (rest.length || !AGENCIES.includes(agency as AgencyCode)) return undefined;
    if (form === undefined) return { agency: agency as AgencyCode, form: 'single' };
    return form === 'signed' || form === 'batch' ? { agency: agency as AgencyCode, form } : undefined;
  }
  /** `<prefix>.audit.<agency>.batch`: an unsigned AuditEventBatch a message (refused by the ledger). */
  auditBatchSubject(agency: AgencyCode): string {
    return `${this.auditSubject(agency)}.batch`;
  }
  auditStream(): StreamSpec {
    return { name: streamName(this.prefix, 'audit'), subjects: [`${this.prefix}.audit.>`] };
  }
  auditConsumer(): ConsumerSpec {
    return {
      route: BusRoute.Audit,
      stream: this.auditStream().name,
      filterSubject: `${this.prefix}.audit.>`,
      durable: 'supervisor-ledger',
    };
  }

  /** Queue group of the target's RPC handlers (`<target>-rpc`): one answer per request. */
  rpcQueue(target: AgencyCode | 'supervisor'): string {
    return `${target}-rpc`;
  }
  /**
   * Witnessing of the nodes' transparency logs (core NATS request/reply): a node asks another
   * agency's node to cosign its checkpoint, on `<prefix>.rpc.<target>.from.<caller>.witness.add-checkpoint`
   * (exported by the target's account to the caller's only, like the RPCs). The body is a C2SP
   * tlog-witness add-checkpoint request (text); the answer a JSON WitnessReply (libs/agency-node
   * transparency). Queue group `<agency>-witness`.
   */
  witnessFrom(target: AgencyCode, caller: RpcCaller): string {
    return `${this.prefix}.rpc.${target}.from.${caller}.${WITNESS_METHOD}`;
  }
  /** What the target's witness subscribes to: every caller. */
  witnessHandlerSubject(target: AgencyCode): string {
    return `${this.prefix}.rpc.${target}.from.*.${WITNESS_METHOD}`;
  }
  witnessQueue(target: AgencyCode): string {
    return `${target}-witness`;
  }

  // --- Sender-guaranteed names (per-agency accounts, docs/bus.md) ---------------------------------
  // The server routes `<prefix>.inbox.<to>.from.<sender>` into the recipient's account only from the
  // sender's account (a service export restricted to that account), so the subject names the sender
  // and no payload can change it.

  /** `<prefix>.inbox.<to>.from.<sender>`: an envelope (report or receipt) from one agency to another. */
  inboxFrom(to: AgencyCode, sender: AgencyCode): string {
    return `${this.prefix}.inbox.${to}.from.${sender}`;
  }
  /** The recipient's stream: every sender's subject into its inbox (one stream per agency, in its domain). */
  inboxFromStream(to: AgencyCode): StreamSpec {
    return { name: streamName(this.prefix, 'inbox', to), subjects: [`${this.prefix}.inbox.${to}.from.*`] };
  }
  inboxFromConsumer(to: AgencyCode): ConsumerSpec {
    return { route: BusRoute.Inbox, stream: this.inboxFromStream(to).name, filterSubject: `${this.prefix}.inbox.${to}.from.*`, durable: `${to}-inbox` };
  }
  /** The sender named by an inbox subject the server routed, or undefined if it is not one. */
  inboxSender(subject: string, to: AgencyCode): AgencyCode | undefined {
    const head = `${this.prefix}.inbox.${to}.from.`;
    if (!subject.startsWith(head)) return undefined;
    const sender = subject.slice(head.length);
    return isAgencyCode(sender) && sender !== to ? sender : undefined;
  }
  /** The agency's own dead-letter stream (in its own account and domain; only its node publishes there). */
  ownDeadLetterStream(agency: AgencyCode): StreamSpec {
    return { name: streamName(this.prefix, 'dlq', agency), subjects: [this.deadLetterSubject(agency)] };
  }
  ownDeadLetterConsumer(agency: AgencyCode): ConsumerSpec {
    return { route: BusRoute.DeadLetter, stream: this.ownDeadLetterStream(agency).name, filterSubject: this.deadLetterSubject(agency), durable: `${agency}-dead-letters` };
  }
  /** Every audit subject one agency may publish (exported by the ledger's account to that agency only). */
  auditSubjects(agency: AgencyCode): string {
    return `${this.auditSubject(agency)}.>`;
  }
  /** The agency named by an audit subject the server routed, or undefined. */
  auditSender(subject: string): AgencyCode | undefined {
    const head = `${this.prefix}.audit.`;
    if (!subject.startsWith(head)) return undefined;
    const agency = subject.slice(head.length).split('.')[0];
    return isAgencyCode(agency) ? agency : undefined;
  }
  /** `<prefix>.rpc.<target>.from.<caller>.<method>`: exported by the target's account to the caller's only. */
  rpcFrom(target: RpcTarget, caller: RpcCaller, method: RpcMethod): string {
    return `${this.prefix}.rpc.${target}.from.${caller}.${method}`;
  }
  /** What the target's handlers subscribe to: every caller, every method. */
  rpcHandlerSubject(target: RpcTarget): string {
    return `${this.prefix}.rpc.${target}.from.*.>`;
  }
  /** Caller and method from a subject the server routed to the target (the caller is never taken from the payload). */
  rpcRoute(subject: string, target: RpcTarget): { caller: string; method: RpcMethod } | undefined {
    const head = `${this.prefix}.rpc.${target}.from.`;
    if (!subject.startsWith(head)) return undefined;
    const rest = subject.slice(head.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return undefined;
    const caller = rest.slice(0, dot);
    const method = rest.slice(dot + 1);
    if (!(Object.values(RpcMethod) as string[]).includes(method)) return undefined;
    return { caller, method: method as RpcMethod };
  }

  /** The streams an agency's node owns (in its own account and domain): its inbox and its dead letters. */
  ownStreams(agency: AgencyCode): StreamSpec[] {
    return [this.inboxFromStream(agency), this.ownDeadLetterStream(agency)];
  }

  /** Every stream of every owner (tests on one plain server delete them all at the end). */
  allStreams(): StreamSpec[] {
    return [...AGENCIES.flatMap((a) => this.ownStreams(a)), this.auditStream()];
  }
}
