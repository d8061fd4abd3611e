import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  TlogError,
  hashLeaf,
  parseTlogProof,
  parseVerifierKey,
  verifierFromKey,
  verifyTlogProof,
  type LogPolicy,
} from '@shekara/tlog';
import type { VerifyOptions } from './args';
import { verifyExport } from './export-verifier';
import { ExportInputError, FindingCode, findingRecord, findingText, type Finding, type Lang } from './findings';

export const EXIT_VERIFIED = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

export interface VerifyIo {
  stdout: Writable;
  stderr: Writable;
}

const SUMMARY: Record<Lang, { ok: string; findings: (n: number) => string; bad: (n: number) => string; stats: (s: string) => string }> = {
  en: {
    ok: 'verified: no findings',
    findings: (n) => `${n} finding(s)`,
    bad: (n) => `${n} line(s) could not be read; the export is not fully verified`,
    stats: (s) => `checked ${s}`,
  },
  ru: {
    ok: 'проверено: нарушений не найдено',
    findings: (n) => `нарушений: ${n}`,
    bad: (n) => `не удалось прочитать строк: ${n}; выгрузка проверена не полностью`,
    stats: (s) => `проверено: ${s}`,
  },
};

/** Buffers stdout writes and waits for drain, so a large report does not pile up in memory. */
class Out {
  private chunk = '';
  constructor(private readonly stream: Writable) {}
  async write(text: string): Promise<void> {
    this.chunk += text;
    if (this.chunk.length >= 65_536) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.chunk) return;
    const c = this.chunk;
    this.chunk = '';
    if (!this.stream.write(c)) await once(this.stream, 'drain');
  }
}

export async function runVerify(o: VerifyOptions, io: VerifyIo): Promise<number> {
  const out = new Out(io.stdout);
  const findings: Finding[] = [];
  const bad: string[] = [];
  const pending: Promise<void>[] = [];
  const sink = {
    finding(f: Finding) {
      findings.push(f);
      pending.push(out.write(JSON.stringify(findingRecord(f)) + '\n'));
    },
    badLine(file: string, line: number, reason: string) {
      bad.push(`${file}:${line}: ${reason}`);
    },
  };
  const s = SUMMARY[o.lang];
  try {
    let stats: string;
    if (o.exportDir) {
      const r = await verifyExport(o.exportDir, { logKey: o.logKey, witnesses: o.witnesses, quorum: o.quorum ?? (o.witnesses ? o.witnesses.length : undefined) }, sink);
      stats =
        o.lang === 'ru'
          ? `листьев ${r.leaves}, контрольных точек ${r.checkpoints} (охвачено ${r.coveredSize}), сообщений ${r.messages}, строк получателей ${r.recipientRows}`
          : `${r.leaves} leaves, ${r.checkpoints} checkpoints (covering ${r.coveredSize}), ${r.messages} messages, ${r.recipientRows} recipient rows`;
    } else {
      stats = await verifyProofBundle(o, sink);
    }
    await Promise.all(pending);
    await out.flush();
    for (const f of findings) io.stderr.write(findingText(f, o.lang) + '\n');
    for (const b of bad) io.stderr.write(`shekara verify: ${b}\n`);
    io.stderr.write(`shekara verify: ${s.stats(stats)}\n`);
    if (bad.length) {
      io.stderr.write(`shekara verify: ${s.bad(bad.length)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(`shekara verify: ${findings.length ? s.findings(findings.length) : s.ok}\n`);
    return findings.length ? EXIT_FINDINGS : EXIT_VERIFIED;
  } catch (e) {
    if (!(e instanceof ExportInputError)) throw e;
    await out.flush();
    io.stderr.write(`shekara verify: ${e.render(o.lang)}\n`);
    return EXIT_BAD_INPUT;
  }
}

async function verifyProofBundle(o: VerifyOptions, sink: { finding(f: Finding): void }): Promise<string> {
  let text: string;
  let entry: Buffer;
  try {
    text = await readFile(o.proof!, 'utf8');
    entry = await readFile(o.entry!);
  } catch (e) {
    throw new ExportInputError(`cannot read the proof or the entry: ${(e as Error).message}`, `не удаётся прочитать доказательство или запись: ${(e as Error).message}`);
  }
  let policy: LogPolicy;
  let proof;
  try {
    const logKey = parseVerifierKey(o.logKey!);
    if (logKey.type !== SIG_TYPE_ED25519) throw new ExportInputError('the log key must be an Ed25519 (type 0x01) verifier key', 'ключ журнала должен быть ключом проверки Ed25519 (тип 0x01)');
    const witnesses = o.witnesses ?? [];
    for (const w of witnesses) if (parseVerifierKey(w).type !== SIG_TYPE_COSIGNATURE_V1) throw new ExportInputError('witness keys must be cosignature/v1 (type 0x04) verifier keys', 'ключи свидетелей должны быть ключами проверки cosignature/v1 (тип 0x04)');
    const quorum = o.quorum ?? witnesses.length;
    if (quorum > witnesses.length) throw new ExportInputError(`--quorum ${quorum} is more than the ${witnesses.length} witness keys`, `--quorum ${quorum} больше числа ключей свидетелей (${witnesses.length})`);
    policy = { origin: logKey.name, log: [verifierFromKey(o.logKey!)], witnesses: witnesses.map(verifierFromKey), quorum };
    proof = parseTlogProof(text);
  } catch (e) {
    if (e instanceof TlogError) throw new ExportInputError(e.message, `ошибка журнала прозрачности: ${e.message}`);
    throw e;
  }
  try {
    const trusted = verifyTlogProof(proof, hashLeaf(entry), policy);
    return `index ${proof.index} of ${trusted.checkpoint.size}, ${trusted.cosigners.length} cosignature(s)`;
  } catch (e) {
    if (!(e instanceof TlogError)) throw e;
    const code = e.code === 'QUORUM_NOT_MET' ? FindingCode.QUORUM_NOT_MET : e.code === 'BAD_INCLUSION_PROOF' ? FindingCode.NOT_INCLUDED : FindingCode.BAD_CHECKPOINT;
    sink.finding({ code, file: o.proof!, row: { index: proof.index }, detail: e.message });
    return `index ${proof.index}`;
  }
}
