/**
 * A node's log export, the input of `shekara verify` (documented in docs/transparency-log.md): a
 * directory of
 *   manifest.json      the log's origin and key, the witnesses' keys and the quorum, the size;
 *   leaves.jsonl       every leaf [0, size) in order, with its entry (the exact signed bytes);
 *   checkpoints.jsonl  the signed checkpoints up to the size, each with its cosignatures;
 *   messages.jsonl     the node's message rows as stored (the signed envelope among them);
 *   receipts.jsonl     the per-recipient status rows of the messages the node sent.
 * Binary values are standard base64, instants ISO 8601 with their full precision.
 */
export const EXPORT_FORMAT = 'shekara-tlog-export/v1';

export const EXPORT_FILES = {
  manifest: 'manifest.json',
  leaves: 'leaves.jsonl',
  checkpoints: 'checkpoints.jsonl',
  messages: 'messages.jsonl',
  receipts: 'receipts.jsonl',
} as const;

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  origin: string;
  /** The log's Ed25519 verifier key (signed-note vkey, type 0x01). */
  log_key: string;
  /** The witnesses' cosignature/v1 verifier keys (type 0x04). */
  witnesses: string[];
  /** Distinct witnesses that must cosign a checkpoint for it to be trusted. */
  quorum: number;
  /** The tree size the export covers (the size of its last checkpoint). */
  size: number;
  exported_at: string;
}

export interface ExportLeafLine {
  index: number;
  message_id: string;
  kind: 'envelope' | 'receipt';
  direction: 'sent' | 'received';
  /** base64 of the exact signed bytes (an encoded SignedEnvelope). */
  entry: string;
}

export interface ExportCheckpointLine {
  size: number;
  /** The signed checkpoint note with every cosignature received. */
  note: string;
}

/** A row of the messages table, as stored (timestamps as ISO strings, signed as base64). */
export interface ExportMessageRow {
  id: string;
  direction: 'OUT' | 'IN';
  kind: string;
  sender_unit: string;
  recipient_units: string[];
  correlation_id: string;
  classification: string;
  created_at: string;
  reported_at: string | null;
  payload: unknown;
  signed: string;
  [column: string]: unknown;
}

/** A row of message_recipients, as stored. */
export interface ExportRecipientRow {
  message_id: string;
  unit_id: string;
  status: 'PENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'DEAD_LETTERED';
  delivered_at: string | null;
  read_at: string | null;
  read_by: string | null;
  [column: string]: unknown;
}
