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

import { AGENCIES, type AgencyCode } from './agencies';

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

  /** `<prefix>.inbox.<agency>`: envelopes for the units of one agency. */
  inboxSubject(agency: AgencyCode): string {
    return `${this.prefix}.inbox.${agency}`;
  }
  /** One inbox stream per agency so that Nats-Msg-Id = message id dedupes per recipient agency. */
  inboxStream(agency: AgencyCode): StreamSpec {
    return { name: streamName(this.prefix, 'inbox', agency), subjects: [this.inboxSubject(agency)] };
  }
  inboxConsumer(agency: AgencyCode): ConsumerSpec {
    return {
      route: BusRoute.Inbox,
      stream: this.inboxStream(agency).name,
      filterSubject: this.inboxSubject(agency),
      durable: `${agency}-inbox`,
    };
  }

  /** `<prefix>.dlq.<agency>`: what the agency's consumers dead-lettered, with the reason in headers. */
  deadLetterSubject(agency: AgencyCode): string {
    return `${this.prefix}.dlq.${agency}`;
  }
  deadLetterStream(): StreamSpec {
    return { name: streamName(this.prefix, 'dlq'), subjects: [`${this.prefix}.dlq.>`] };
  }
  deadLetterConsumer(agency: AgencyCode): ConsumerSpec {
    return {
      route: BusRoute.DeadLetter,
      stream: this.deadLetterStream().name,
      filterSubject: this.deadLetterSubject(agency),
      durable: `${agency}-dead-letters`,
    };
  }

  /** `<prefix>.audit.<agency>`: audit events for the supervisor ledger, one AuditEvent a message. */
  auditSubject(agency: AgencyCode): string {
    return `${this.prefix}.audit.${agency}`;
  }
  /** `<prefix>.audit.<agency>.batch`: the same, an AuditEventBatch a message (what the nodes publish). */
  auditBatchSubject(agency: AgencyCode): string {
    return `${this.auditSubject(agency)}.batch`;
  }
  /** Whether a subject of the audit stream carries AuditEventBatch messages. */
  isAuditBatchSubject(subject: string): boolean {
    return subject.startsWith(`${this.prefix}.audit.`) && subject.endsWith('.batch');
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

  /**
   * Request/reply on core NATS (no stream). The nodes answer `rpc.<agency>.*` (queue group
   * `<agency>-rpc`), the supervisor `rpc.supervisor.*` (queue group `supervisor-rpc`).
   */
  rpc(target: AgencyCode | 'supervisor', method: RpcMethod): string {
    return `${this.prefix}.rpc.${target}.${method}`;
  }
  rpcQueue(target: AgencyCode | 'supervisor'): string {
    return `${target}-rpc`;
  }
  /**
   * Witnessing of the nodes' transparency logs (core NATS request/reply): a node asks another
   * agency's node to cosign its checkpoint. The body is a C2SP tlog-witness add-checkpoint request
   * (text); the answer a JSON WitnessReply (libs/agency-node transparency). Queue group `<agency>-witness`.
   */
  witnessSubject(target: AgencyCode): string {
    return `${this.prefix}.rpc.${target}.witness.add-checkpoint`;
  }
  witnessQueue(target: AgencyCode): string {
    return `${target}-witness`;
  }

  allStreams(): StreamSpec[] {
    return [...AGENCIES.map((a) => this.inboxStream(a)), this.deadLetterStream(), this.auditStream()];
  }
}
