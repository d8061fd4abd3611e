import { AUTH_APP_PRIVILEGES } from '@shekara/auth';
import { PERSON_INDEX_APP_PRIVILEGES } from '@shekara/matching';
import type { AppPrivileges } from '@shekara/persistence';
import { TLOG_APP_PRIVILEGES } from '@shekara/tlog';

/**
 * What the node's app role may do with each table (GRANT's words), granted by the owner after the
 * migrations (docs/database-roles.md); a table not named here stops the boot. The stores of this
 * folder are the only SQL of the node, so this is read off them: the logs (audit_log, the
 * transparency log's tables) and the records of what happened (dead letters, notifications, the
 * person index's runs) are insert-only; a message row only gets its signed envelope (the relay signs
 * outgoing messages after their commit); an integrity failure, once flagged, is never unflagged;
 * the rest is working state.
 */
export const AGENCY_NODE_APP_PRIVILEGES: AppPrivileges = {
  ...AUTH_APP_PRIVILEGES,
  // The person index (match_persons) and its name counts (match_name_counts, written by the
  // filing statement's triggers as the app): @shekara/matching's.
  ...PERSON_INDEX_APP_PRIVILEGES,
  ...TLOG_APP_PRIVILEGES,
  audit_log: 'SELECT, INSERT',
  // Fork alerts of the transparency log, raised as a witness or received about this node's log.
  tlog_alerts: 'SELECT, INSERT',
  received_receipts: 'SELECT, INSERT',
  messages: 'SELECT, INSERT, UPDATE (signed)',
  message_recipients: 'SELECT, INSERT, UPDATE',
  outbox: 'SELECT, INSERT, UPDATE, DELETE',
  dead_letters: 'SELECT, INSERT',
  drafts: 'SELECT, INSERT, UPDATE, DELETE',
  // A notification's text never changes; a duty officer acknowledges it (who and when).
  notifications: 'SELECT, INSERT, UPDATE (acknowledged_at, acknowledged_by)',
  message_integrity_failures: 'SELECT, INSERT, UPDATE (fields, last_seen_at)',
  match_indexed: 'SELECT, INSERT',
  match_decisions: 'SELECT, INSERT, UPDATE',
  // Machine clients (integration/): accounts are revoked and move their feed cursor and webhook
  // state; feed events are written by the triggers on message_recipients (as the app) and pruned
  // once every account of the unit has acknowledged them.
  // The data bank: versions are appended (never changed) and, with their record, deleted only by
  // the retention job after the review date and its grace period; a record row tracks its latest version.
  bank_versions: 'SELECT, INSERT, DELETE',
  bank_records: 'SELECT, INSERT, UPDATE, DELETE',
  // Attachments: content-addressed; a row is completed (or reset when its chunks fail the hash) and
  // its chunks are written once, deleted only with a hash mismatch.
  bank_attachments: 'SELECT, INSERT, UPDATE, DELETE',
  bank_attachment_chunks: 'SELECT, INSERT, DELETE',
  integration_clients: 'SELECT, INSERT, UPDATE',
  feed_events: 'SELECT, INSERT, DELETE',
};
