import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@shekara/common';
import { EXPORT_FILES, EXPORT_FORMAT, type ExportCheckpointLine, type ExportLeafLine, type ExportManifest } from '../core/export-format';
import { toBase64 } from '../core/hash';
import type { PgLogStore } from './log-store';

export interface LogExportOptions {
  origin: string;
  logKey: string;
  witnesses: string[];
  quorum: number;
  clock: Clock;
  /** The node's rows, written as they are (see ExportMessageRow / ExportRecipientRow). */
  messages?: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;
  receipts?: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;
}

async function writeLines(path: string, lines: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  const f = await open(path, 'w');
  try {
    let chunk = '';
    for await (const line of lines) {
      chunk += JSON.stringify(line) + '\n';
      if (chunk.length > 1 << 20) {
        await f.write(chunk);
        chunk = '';
      }
    }
    if (chunk) await f.write(chunk);
    await f.sync();
  } finally {
    await f.close();
  }
}

/** Writes the log up to its latest checkpoint, that checkpoint's history and the given rows to dir. */
export async function writeLogExport(store: PgLogStore, dir: string, o: LogExportOptions): Promise<ExportManifest> {
  await mkdir(dir, { recursive: true });
  const latest = await store.latestCheckpoint();
  const size = latest?.size ?? 0;
  async function* leaves(): AsyncIterable<ExportLeafLine> {
    for (let from = 0; from < size; from += 10_000)
      for (const l of await store.leaves(from, Math.min(size, from + 10_000)))
        yield { index: l.index, message_id: l.messageId, kind: l.kind, direction: l.direction, entry: toBase64(l.entry) };
  }
  async function* checkpoints(): AsyncIterable<ExportCheckpointLine> {
    for (const c of await store.checkpoints()) if (c.size <= size) yield { size: c.size, note: (await store.cosignedCheckpoint(c.size)) ?? c.note };
  }
  await writeLines(join(dir, EXPORT_FILES.leaves), leaves());
  await writeLines(join(dir, EXPORT_FILES.checkpoints), checkpoints());
  await writeLines(join(dir, EXPORT_FILES.messages), o.messages ?? []);
  await writeLines(join(dir, EXPORT_FILES.receipts), o.receipts ?? []);
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    origin: o.origin,
    log_key: o.logKey,
    witnesses: o.witnesses,
    quorum: o.quorum,
    size,
    exported_at: o.clock.now().toISOString(),
  };
  const f = await open(join(dir, EXPORT_FILES.manifest), 'w');
  await f.write(JSON.stringify(manifest, null, 2) + '\n');
  await f.close();
  return manifest;
}
