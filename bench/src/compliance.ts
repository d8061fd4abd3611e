/**
 * Compliance at scale: a year of traffic for the full seeded directory (every member of every
 * interaction group sends its daily report each day and its monthly report each month, the
 * headquarters their half-yearly materials; urgent reports with written confirmations and advance
 * notices at realistic rates), deterministic from a seed. Timed: the offline audit of the year's
 * journal (`shekara audit`, the built CLI) and the supervisor ledger's compliance listing of a month.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@shekara/common';
import { addDays, zonedTimeToInstant } from '@shekara/policy';
import type { AuditMessage } from '@shekara/policy';
import { BUILD, ROOT, sleep } from './system';
import type { BenchSystem } from './system';
import { sample } from './procstat';

interface DirectoryFile {
  units: { id: string; level: number; zone: string }[];
  groups: { id: string; level: number; members: string[] }[];
}

export interface YearJournal {
  messages: AuditMessage[];
  counts: Record<string, number>;
}

export function generateYear(directoryPath: string, year: number, seed = 2002): YearJournal {
  // The signed directory document carries the directory.
  const dir = (JSON.parse(readFileSync(directoryPath, 'utf8')) as { directory: DirectoryFile }).directory;
  const zone = new Map(dir.units.map((u) => [u.id, u.zone]));
  const rand = seededRandom(seed);
  const MIN = 60_000;
  const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
  const local = (unit: string, date: string, time: string) => zonedTimeToInstant(date, time, zone.get(unit)!);
  const messages: AuditMessage[] = [];
  let n = 0;
  const id = (p: string) => `${p}-${(++n).toString(36)}`;
  const dates: string[] = [];
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) dates.push(d);
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

  for (const g of dir.groups) {
    for (const from of g.members) {
      const to = g.members.filter((m) => m !== from);
      for (const date of dates) {
        const r = rand();
        if (r < 0.9) messages.push({ id: id('d'), kind: 'DAILY', from, to, sentAt: plus(local(from, date, '07:00:00'), Math.floor(rand() * 120 * MIN)), ...(rand() < 0.3 ? { period: date } : {}) });
        else if (r < 0.95) messages.push({ id: id('d'), kind: 'DAILY', from, to, sentAt: plus(local(from, date, '09:00:00'), 1 + Math.floor(rand() * 300 * MIN)) });
        else if (r < 0.97) messages.push({ id: id('d'), kind: 'DAILY', from, to, sentAt: local(from, addDays(date, 1), '08:00:00'), period: date });
        // else: missing
      }
      for (const month of months) {
        const r = rand();
        if (r < 0.85) messages.push({ id: id('m'), kind: 'MONTHLY', from, to, sentAt: plus(local(from, `${month}-28`, '10:00:00'), Math.floor(rand() * 6 * 24 * 60 * MIN)), period: month });
        else if (r < 0.95) messages.push({ id: id('m'), kind: 'MONTHLY', from, to, sentAt: plus(local(from, `${month}-28`, '10:00:00'), (10 + Math.floor(rand() * 10)) * 24 * 60 * MIN), period: month });
      }
      if (g.level === 1) {
        messages.push({ id: id('s'), kind: 'SEMIANNUAL', from, to, sentAt: local(from, `${year}-06-20`, '12:00:00'), period: `${year}-H1` });
        messages.push({ id: id('s'), kind: 'SEMIANNUAL', from, to, sentAt: local(from, `${year}-12-20`, '12:00:00'), period: `${year}-H2` });
      }
    }
    // Urgent reports: about one a week per level-4/5 group (detentions, forged documents …), each
    // confirmed in writing: mostly within the 2 hours, some late, some never.
    if (g.level >= 4) {
      for (const date of dates) {
        if (rand() >= 1 / 7) continue;
        const from = g.members[Math.floor(rand() * g.members.length)];
        const to = g.members.filter((m) => m !== from);
        const reportedAt = plus(local(from, date, '00:00:00'), Math.floor(rand() * 24 * 60 * MIN));
        const urgent: AuditMessage = { id: id('u'), kind: 'URGENT', from, to, sentAt: plus(reportedAt, (1 + Math.floor(rand() * 10)) * MIN), reportedAt };
        messages.push(urgent);
        const r = rand();
        const lag = r < 0.85 ? (20 + Math.floor(rand() * 99)) * MIN : r < 0.95 ? (121 + Math.floor(rand() * 240)) * MIN : -1;
        if (lag > 0) messages.push({ id: id('c'), kind: 'URGENT_CONFIRMATION', from, to, sentAt: plus(reportedAt, lag), confirms: urgent.id });
      }
    }
    // Advance notices: about two a month per group.
    for (const date of dates) {
      if (rand() >= 2 / 30) continue;
      const from = g.members[Math.floor(rand() * g.members.length)];
      const sentAt = plus(local(from, date, '10:00:00'), Math.floor(rand() * 8 * 60 * MIN));
      messages.push({ id: id('a'), kind: 'ADVANCE', from, to: g.members.filter((m) => m !== from), sentAt, eventAt: plus(sentAt, (2 + Math.floor(rand() * 70)) * 60 * MIN) });
    }
  }
  const counts: Record<string, number> = {};
  for (const m of messages) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
  return { messages, counts };
}

export async function writeJournal(path: string, messages: AuditMessage[]): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let buf = '';
  for (const m of messages) {
    buf +=
      JSON.stringify({
        id: m.id,
        kind: m.kind,
        from: m.from,
        to: m.to,
        sent_at: m.sentAt.toISOString(),
        ...(m.reportedAt ? { reported_at: m.reportedAt.toISOString() } : {}),
        ...(m.confirms !== undefined ? { confirms: m.confirms } : {}),
        ...(m.period !== undefined ? { period: m.period } : {}),
        ...(m.eventAt ? { event_at: m.eventAt.toISOString() } : {}),
      }) + '\n';
    if (buf.length > 1 << 20) {
      bytes += buf.length;
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  bytes += buf.length;
  out.write(buf);
  await new Promise<void>((r, j) => out.end((e?: Error) => (e ? j(e) : r())));
  return bytes;
}

export interface AuditRun {
  seconds: number;
  exitCode: number;
  verdicts: number;
  messagesPerSec: number;
  cpuSeconds: number;
  rssMaxMiB: number;
}

/** `shekara audit` (the built CLI) over the year; stdout (one verdict per line) counted, not kept. */
export async function offlineAudit(directoryPath: string, journalPath: string, year: number, messages: number): Promise<AuditRun> {
  const args = [join(BUILD, 'apps', 'cli', 'src', 'main.js'), 'audit', '--directory', directoryPath, '--journal', journalPath, '--from', `${year}-01-01`, '--to', `${year}-12-31`, '--as-of', `${year + 1}-01-15T00:00:00Z`];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
  });
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  let rss = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    const s = sample(child.pid!);
    if (s) {
      rss = Math.max(rss, s.rssMiB, s.hwmMiB);
      cpu = s.cpuSeconds;
    }
  }, 50);
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
  clearInterval(poll);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0 && code !== 2) throw new Error(`shekara audit exited ${code}: ${stderr}`);
  return { seconds, exitCode: code, verdicts: lines, messagesPerSec: messages / seconds, cpuSeconds: cpu, rssMaxMiB: rss };
}

/** Loads the year into the supervisor's ledger table directly (as test/supervisor/volume.test.ts does). */
export async function loadLedger(sys: BenchSystem, url: string, messages: AuditMessage[]): Promise<number> {
  const t0 = performance.now();
  const CH = 5000;
  for (let i = 0; i < messages.length; i += CH) {
    const chunk = messages.slice(i, i + CH);
    await sys.sql(
      url,
      `INSERT INTO ledger_messages (id, kind, sender, recipients, sent_at, reported_at, period, event_at, confirms, summary, node, event_id, recorded_at)
       SELECT id, kind, sender, string_to_array(recipients, ','), sent_at, reported_at, period, event_at, confirms, '', split_part(sender, '.', 1), 'ev-' || id, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::timestamptz[], $9::text[])
           AS t(id, kind, sender, recipients, sent_at, reported_at, period, event_at, confirms)`,
      [
        chunk.map((m) => m.id),
        chunk.map((m) => m.kind),
        chunk.map((m) => m.from),
        chunk.map((m) => m.to.join(',')),
        chunk.map((m) => m.sentAt),
        chunk.map((m) => m.reportedAt ?? null),
        chunk.map((m) => m.period ?? null),
        chunk.map((m) => m.eventAt ?? null),
        chunk.map((m) => m.confirms ?? null),
      ],
    );
  }
  await sys.sql(url, `UPDATE ledger_state SET version = version + 1`);
  await sys.sql(url, `ANALYZE ledger_messages`);
  return (performance.now() - t0) / 1000;
}

export async function timedGet(base: string, path: string, token: string): Promise<{ ms: number; status: number; total?: number; bytes: number }> {
  const t0 = performance.now();
  const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  const ms = performance.now() - t0;
  let total: number | undefined;
  try {
    total = JSON.parse(text).total;
  } catch {
    total = undefined;
  }
  return { ms, status: r.status, total, bytes: text.length };
}

export async function supervisorToken(base: string, username: string, password: string): Promise<string> {
  for (let i = 0; ; i++) {
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (r.ok) return ((await r.json()) as { accessToken: string }).accessToken;
    if (i > 20) throw new Error(`supervisor login failed: ${r.status}`);
    await sleep(250);
  }
}
