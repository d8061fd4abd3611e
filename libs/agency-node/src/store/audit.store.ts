import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { prepared } from '@shekara/persistence';
import { outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/**
 * The INSERT of audit log rows given as JSON (`auditLogJson`) in parameter `param` (a statement or a
 * CTE; `where` filters, as `x`; `x.event_id` is the id of the entry's ledger event, if published).
 */
export function auditLogInsert(param: string, where = 'true'): string {
  return `INSERT INTO audit_log (at, actor, action, message_id, unit_id, details)
    SELECT x.at, x.actor, x.action, x.message_id, x.unit_id, x.details
      FROM jsonb_to_recordset(${param}::jsonb) AS x(at timestamptz, actor text, action text, message_id text, unit_id text, details jsonb, event_id text)
     WHERE ${where}`;
}

/** Appends audit log rows (JSON, `auditLogJson`) on their own (the table refuses updates and deletes). */
export async function appendAuditLog(m: EntityManager, logJson: string): Promise<void> {
  await m.query(auditLogInsert('$1'), [logJson]);
}

/** The audit log. */
@Injectable()
export class AuditStore {
  constructor(private readonly ds: DataSource) {}

  /** Audit log rows and the outbox rows of their ledger events, one statement (in m's transaction). */
  async insertWithEvents(m: EntityManager, logJson: string, outboxJson: string): Promise<OutboxInserted[]> {
    return prepared<OutboxInserted>(m, `WITH aud AS (${auditLogInsert('$1')}) ${outboxInsert('$2')}`, [logJson, outboxJson]);
  }

  /** Audit log rows alone (JSON, `auditLogJson`): local entries the ledger does not hear of. */
  async append(logJson: string): Promise<void> {
    await appendAuditLog(this.ds.manager, logJson);
  }

  /** The audit trail of one message, oldest first. */
  async ofMessage(id: string): Promise<{ at: Date; actor: string; action: string; unit_id: string | null; details: unknown }[]> {
    return this.ds.query(`SELECT at, actor, action, unit_id, details FROM audit_log WHERE message_id = $1 ORDER BY id`, [id]);
  }
}
