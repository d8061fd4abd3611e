/**
 * Builds the `shekara verify` fixtures (test/fixtures/verify/{ok,not-ok}) from fixed keys, so they
 * are reproducible: node dist/test/tlog/verify-fixtures.js test/fixtures/verify. The ok export is
 * a small honest log (messages sent and received, delivery and read receipts, checkpoints
 * cosigned by two witnesses); each not-ok export is the same with one tampering, and cases.json
 * says what the verifier must find, from what was tampered (not from running the verifier).
 */
import { createHash, sign } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Classification,
  DailySchema,
  DeliveryOutcome,
  DeliveryReceiptSchema,
  EnvelopeSchema,
  MessageKind,
  ReadReceiptSchema,
  UrgentSchema,
  encodeEnvelope,
  encodeSigned,
  kindName,
  type Envelope,
} from '@shekara/contracts';
import {
  CosignatureSigner,
  EXPORT_FORMAT,
  MemoryHashSource,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  WitnessState,
  consistencyProof,
  ed25519PrivateKeyFromSeed,
  ed25519RawPublicKey,
  ed25519Signer,
  ed25519Verifier,
  formatAddCheckpointRequest,
  formatVerifierKey,
  hashLeaf,
  signCheckpoint,
  treeRoot,
  type ExportManifest,
} from '@shekara/tlog';

const seed = (label: string) => ed25519PrivateKeyFromSeed(createHash('sha256').update(`shekara fixture ${label}`).digest());
export const ORIGIN = 'kz.shekara.interior/log';
const logKey = seed('interior log');
const logSigner = ed25519Signer(ORIGIN, logKey);
const witnesses = [new CosignatureSigner('kz.shekara.border/witness', seed('border witness')), new CosignatureSigner('kz.shekara.customs/witness', seed('customs witness'))];
const unitKey = seed('unit');
const T0 = Date.parse('2026-11-02T04:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000 + 123);

function signed(env: Envelope): Buffer {
  const bytes = encodeEnvelope(env);
  return Buffer.from(encodeSigned({ envelope: bytes, keyId: 'unit-key-1', signature: sign(null, bytes, unitKey) }));
}

function envelope(id: string, kind: MessageKind, from: string, to: string[], when: Date, payload: Envelope['payload']): Envelope {
  return create(EnvelopeSchema, {
    messageId: id,
    correlationId: id,
    kind,
    senderUnit: from,
    recipientUnits: to,
    createdAt: timestampFromDate(when),
    reportedAt: timestampFromDate(when),
    schemaVersion: 1,
    classification: Classification.UNCLASSIFIED,
    payload,
  } as never);
}

function messageRow(env: Envelope, direction: 'OUT' | 'IN', bytes: Buffer): Record<string, unknown> {
  const json = toJson(EnvelopeSchema, env, { alwaysEmitImplicit: false }) as Record<string, unknown>;
  const key = env.payload.case as string;
  return {
    id: env.messageId,
    direction,
    kind: kindName(env.kind),
    sender_unit: env.senderUnit,
    recipient_units: env.recipientUnits,
    correlation_id: env.correlationId,
    classification: 'UNCLASSIFIED',
    created_at: new Date(Number(env.createdAt!.seconds) * 1000 + env.createdAt!.nanos / 1e6).toISOString(),
    reported_at: new Date(Number(env.reportedAt!.seconds) * 1000 + env.reportedAt!.nanos / 1e6).toISOString(),
    summary: '',
    payload: { [key]: json[key] ?? {} },
    signed: bytes.toString('base64'),
  };
}

interface Leaf {
  message_id: string;
  kind: 'envelope' | 'receipt';
  direction: 'sent' | 'received';
  entry: Buffer;
}

const ids = (n: number) => `0193a5f0-0000-7000-8000-${String(n).padStart(12, '0')}`;

export function buildOk(dir: string): void {
  const leaves: Leaf[] = [];
  const messages: Record<string, unknown>[] = [];
  const recipients: Record<string, unknown>[] = [];
  const log = (l: Leaf) => leaves.push(l);
  // Six reports sent, two to two units; delivery receipts back from each, two read receipts.
  for (let i = 0; i < 6; i++) {
    const to = i % 2 ? ['bor-ura', 'cus-ura'] : ['bor-ura'];
    const payload: Envelope['payload'] =
      i % 3 === 0
        ? { case: 'urgent', value: create(UrgentSchema, { topic: 1, summary: `Задержан нарушитель №${i}`, occurredAt: timestampFromDate(at(i * 10 - 5)) } as never) }
        : { case: 'daily', value: create(DailySchema, { period: '2026-11-02', summary: `Обстановка без изменений ${i}` } as never) };
    const env = envelope(ids(i + 1), i % 3 === 0 ? MessageKind.URGENT : MessageKind.DAILY, 'int-ura', to, at(i * 10), payload);
    const bytes = signed(env);
    log({ message_id: env.messageId, kind: 'envelope', direction: 'sent', entry: bytes });
    messages.push(messageRow(env, 'OUT', bytes));
    for (const unit of to) {
      const rid = ids(100 + i * 10 + to.indexOf(unit));
      const deliveredAt = at(i * 10 + 1);
      const d = envelope(rid, MessageKind.DELIVERY_RECEIPT, unit, ['int-ura'], deliveredAt, {
        case: 'deliveryReceipt',
        value: create(DeliveryReceiptSchema, { messageId: env.messageId, recipientUnit: unit, outcome: DeliveryOutcome.DELIVERED, at: timestampFromDate(deliveredAt) }),
      });
      log({ message_id: rid, kind: 'receipt', direction: 'received', entry: signed(d) });
      const read = i < 2 && unit === 'bor-ura';
      let readAt: Date | null = null;
      if (read) {
        readAt = at(i * 10 + 3);
        const rrid = ids(200 + i);
        const r = envelope(rrid, MessageKind.READ_RECEIPT, unit, ['int-ura'], readAt, {
          case: 'readReceipt',
          value: create(ReadReceiptSchema, { messageId: env.messageId, recipientUnit: unit, reader: `officer.${i}`, at: timestampFromDate(readAt) }),
        });
        log({ message_id: rrid, kind: 'receipt', direction: 'received', entry: signed(r) });
      }
      recipients.push({
        message_id: env.messageId,
        unit_id: unit,
        agency: unit.startsWith('bor') ? 'border' : 'customs',
        status: read ? 'READ' : 'DELIVERED',
        sent_at: at(i * 10).toISOString(),
        delivered_at: deliveredAt.toISOString(),
        read_at: readAt?.toISOString() ?? null,
        read_by: read ? `officer.${i}` : null,
      });
    }
  }
  // Two reports received, each answered with a delivery receipt the node sent.
  for (let i = 0; i < 2; i++) {
    const env = envelope(ids(300 + i), MessageKind.DAILY, 'bor-ura', ['int-ura'], at(70 + i), {
      case: 'daily',
      value: create(DailySchema, { period: '2026-11-02', summary: `Входящее донесение ${i}` } as never),
    });
    const bytes = signed(env);
    log({ message_id: env.messageId, kind: 'envelope', direction: 'received', entry: bytes });
    messages.push(messageRow(env, 'IN', bytes));
    recipients.push({ message_id: env.messageId, unit_id: 'int-ura', agency: 'interior', status: 'DELIVERED', sent_at: null, delivered_at: at(71 + i).toISOString(), read_at: null, read_by: null });
    const rid = ids(400 + i);
    const d = envelope(rid, MessageKind.DELIVERY_RECEIPT, 'int-ura', ['bor-ura'], at(71 + i), {
      case: 'deliveryReceipt',
      value: create(DeliveryReceiptSchema, { messageId: env.messageId, recipientUnit: 'int-ura', outcome: DeliveryOutcome.DELIVERED, at: timestampFromDate(at(71 + i)) }),
    });
    log({ message_id: rid, kind: 'receipt', direction: 'sent', entry: signed(d) });
  }

  // Checkpoints along the way, each cosigned by both witnesses through the witness protocol.
  const src = new MemoryHashSource(leaves.map((l) => hashLeaf(l.entry)));
  const states = witnesses.map((w) => new WitnessState([{ origin: ORIGIN, verifiers: [ed25519Verifier(ORIGIN, logKey)] }], w));
  const checkpoints: Array<{ size: number; note: string }> = [];
  let old = 0;
  for (const size of [5, 11, 17, leaves.length]) {
    const note = signCheckpoint({ origin: ORIGIN, size, root: treeRoot(src, size), extensions: [] }, logSigner);
    let full = note;
    for (const s of states) {
      const d = s.addCheckpoint(formatAddCheckpointRequest({ oldSize: old, proof: consistencyProof(src, old, size), checkpoint: note }), Math.floor(T0 / 1000) + size);
      if (d.kind !== 'cosigned') throw new Error(`witness refused: ${JSON.stringify(d)}`);
      full += d.body;
    }
    checkpoints.push({ size, note: full });
    old = size;
  }
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    origin: ORIGIN,
    log_key: formatVerifierKey(ORIGIN, SIG_TYPE_ED25519, ed25519RawPublicKey(logKey)),
    witnesses: witnesses.map((w) => formatVerifierKey(w.name, SIG_TYPE_COSIGNATURE_V1, w.publicKey)),
    quorum: 2,
    size: leaves.length,
    exported_at: '2026-11-02T06:00:00.000Z',
  };
  mkdirSync(dir, { recursive: true });
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(dir, 'leaves.jsonl'), jsonl(leaves.map((l, index) => ({ index, message_id: l.message_id, kind: l.kind, direction: l.direction, entry: l.entry.toString('base64') }))));
  writeFileSync(join(dir, 'checkpoints.jsonl'), jsonl(checkpoints));
  writeFileSync(join(dir, 'messages.jsonl'), jsonl(messages));
  writeFileSync(join(dir, 'receipts.jsonl'), jsonl(recipients));
}

type Row = Record<string, unknown>;
const readJsonl = (path: string): Row[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
const writeJsonl = (path: string, rows: Row[]) => writeFileSync(path, rows.map((r) => JSON.stringify(r) + '\n').join(''));

export interface ExpectedFinding {
  code: string;
  file: string;
  line?: number;
  row?: Row;
  field?: string;
}

export interface VerifyCase {
  name: string;
  export: string;
  exitCode: number;
  findings: ExpectedFinding[];
}

/** Each tampering of a copy of ok, and what it must produce. */
function tamper(okDir: string, notOk: string): VerifyCase[] {
  const cases: VerifyCase[] = [];
  const copy = (name: string) => {
    const d = join(notOk, name);
    rmSync(d, { recursive: true, force: true });
    cpSync(okDir, d, { recursive: true });
    return d;
  };
  const messages = readJsonl(join(okDir, 'messages.jsonl'));
  const leaves = readJsonl(join(okDir, 'leaves.jsonl'));
  const cps = readJsonl(join(okDir, 'checkpoints.jsonl'));
  const size = leaves.length;

  // A message row edited in place: its payload (what the API would serve) and its creation time.
  {
    const d = copy('message-edited');
    const rows = messages.map((r) => ({ ...r }));
    const p = rows[2].payload as Record<string, Record<string, unknown>>;
    rows[2].payload = { daily: { ...p.daily, summary: 'Обстановка без изменений (исправлено)' } };
    rows[4].created_at = '2026-11-02T04:30:00.000Z';
    writeJsonl(join(d, 'messages.jsonl'), rows);
    cases.push({
      name: 'message-edited',
      export: 'message-edited',
      exitCode: 1,
      findings: [
        { code: 'ROW_MISMATCH', file: 'messages.jsonl', line: 3, row: { id: rows[2].id }, field: 'payload' },
        { code: 'ROW_MISMATCH', file: 'messages.jsonl', line: 5, row: { id: rows[4].id }, field: 'created_at' },
      ],
    });
  }
  // A message row whose signed envelope was replaced by another one (a forged message).
  {
    const d = copy('message-forged');
    const rows = messages.map((r) => ({ ...r }));
    const env = envelope(rows[1].id as string, MessageKind.DAILY, 'int-ura', ['bor-ura', 'cus-ura'], at(10), {
      case: 'daily',
      value: create(DailySchema, { period: '2026-11-02', summary: 'Подложное донесение' } as never),
    });
    const bytes = signed(env);
    Object.assign(rows[1], messageRow(env, 'OUT', bytes));
    writeJsonl(join(d, 'messages.jsonl'), rows);
    cases.push({ name: 'message-forged', export: 'message-forged', exitCode: 1, findings: [{ code: 'ROW_NOT_LOGGED', file: 'messages.jsonl', line: 2, row: { id: rows[1].id } }] });
  }
  // A recipient row deleted (the read receipt it recorded vanished from the database).
  {
    const d = copy('receipt-deleted');
    const rows = readJsonl(join(okDir, 'receipts.jsonl'));
    const gone = rows.findIndex((r) => r.status === 'READ');
    const [removed] = rows.splice(gone, 1);
    writeJsonl(join(d, 'receipts.jsonl'), rows);
    // Its delivery receipt and its read receipt are both in the log.
    const findings: ExpectedFinding[] = leaves
      .map((l, index) => ({ l, index }))
      .filter(({ l }) => l.kind === 'receipt' && l.direction === 'received')
      .filter(({ l }) => {
        const text = Buffer.from(l.entry as string, 'base64').toString('latin1');
        return text.includes(removed.message_id as string);
      })
      .map(({ index }) => ({ code: 'RECEIPT_NOT_REFLECTED', file: 'receipts.jsonl', row: { message_id: removed.message_id, unit_id: removed.unit_id, leaf: index } }));
    cases.push({ name: 'receipt-deleted', export: 'receipt-deleted', exitCode: 1, findings });
  }
  // Two leaves swapped, their index labels kept in order: the tree is another one from there on.
  {
    const d = copy('rows-reordered');
    const rows = leaves.map((r) => ({ ...r }));
    const a = 12;
    [rows[a], rows[a + 1]] = [rows[a + 1], rows[a]];
    rows[a].index = a;
    rows[a + 1].index = a + 1;
    writeJsonl(join(d, 'leaves.jsonl'), rows);
    cases.push({
      name: 'rows-reordered',
      export: 'rows-reordered',
      exitCode: 1,
      findings: [
        { code: 'CHECKPOINT_MISMATCH', file: 'checkpoints.jsonl', line: 3, row: { size: 17 } },
        { code: 'CHECKPOINT_MISMATCH', file: 'checkpoints.jsonl', line: 4, row: { size } },
        { code: 'NOT_COVERED', file: 'leaves.jsonl', row: { from: 11, to: size - 1 } },
      ],
    });
  }
  // The log signed a second tree of size 11 (the view it showed someone else).
  {
    const d = copy('forked-checkpoint');
    const forkedLeaves = leaves.map((l) => hashLeaf(Buffer.from(l.entry as string, 'base64')));
    forkedLeaves[7] = hashLeaf(Buffer.from('a different envelope'));
    const root = treeRoot(new MemoryHashSource(forkedLeaves), 11);
    const note = signCheckpoint({ origin: ORIGIN, size: 11, root, extensions: [] }, logSigner);
    writeJsonl(join(d, 'checkpoints.jsonl'), [...cps, { size: 11, note }]);
    cases.push({
      name: 'forked-checkpoint',
      export: 'forked-checkpoint',
      exitCode: 1,
      findings: [
        { code: 'FORK', file: 'checkpoints.jsonl', line: cps.length + 1, row: { size: 11 } },
        { code: 'CHECKPOINT_MISMATCH', file: 'checkpoints.jsonl', line: cps.length + 1, row: { size: 11 } },
      ],
    });
  }
  // A checkpoint with one witness's cosignature stripped: below the quorum of two.
  {
    const d = copy('quorum-missing');
    const rows = cps.map((r) => ({ ...r }));
    const last = rows[rows.length - 1];
    last.note = (last.note as string).split('\n').filter((l) => !l.startsWith('\u2014 kz.shekara.customs/witness')).join('\n');
    writeJsonl(join(d, 'checkpoints.jsonl'), rows);
    cases.push({
      name: 'quorum-missing',
      export: 'quorum-missing',
      exitCode: 1,
      findings: [
        { code: 'QUORUM_NOT_MET', file: 'checkpoints.jsonl', line: rows.length, row: { size } },
        { code: 'NOT_COVERED', file: 'leaves.jsonl', row: { from: 17, to: size - 1 } },
      ],
    });
  }
  // Unusable input: no manifest.
  {
    const d = copy('no-manifest');
    rmSync(join(d, 'manifest.json'));
    cases.push({ name: 'no-manifest', export: 'no-manifest', exitCode: 2, findings: [] });
  }
  return cases;
}

if (require.main === module) {
  const root = process.argv[2] ?? 'test/fixtures/verify';
  const ok = join(root, 'ok', 'honest');
  rmSync(join(root, 'ok'), { recursive: true, force: true });
  rmSync(join(root, 'not-ok'), { recursive: true, force: true });
  buildOk(ok);
  // A witness down for a while: an intermediate checkpoint has one cosignature only, the latest
  // (which covers it) has both: the quorum rule is met, nothing to find.
  const outage = join(root, 'ok', 'witness-outage');
  cpSync(ok, outage, { recursive: true });
  const cps = readJsonl(join(ok, 'checkpoints.jsonl'));
  cps[1] = { ...cps[1], note: (cps[1].note as string).split('\n').filter((l) => !l.startsWith('\u2014 kz.shekara.customs/witness')).join('\n') };
  writeJsonl(join(outage, 'checkpoints.jsonl'), cps);
  const okCases = [
    { name: 'honest', export: 'honest', exitCode: 0, findings: [] },
    { name: 'witness-outage', export: 'witness-outage', exitCode: 0, findings: [] },
  ];
  writeFileSync(join(root, 'ok', 'cases.json'), JSON.stringify(okCases, null, 2) + '\n');
  const cases = tamper(ok, join(root, 'not-ok'));
  writeFileSync(join(root, 'not-ok', 'cases.json'), JSON.stringify(cases, null, 2) + '\n');
}
