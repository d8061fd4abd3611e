/**
 * The matrix must be able to fail: a hub configuration with a classic mistake (interior's inbox
 * export for border left open to every account, customs importing it, customs' publish list widened)
 * is reported as holes in exactly those acts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../apps/cli/src/main';
import { startPrivateBus, type PrivateBus } from './support';

jest.setTimeout(120_000);

let pb: PrivateBus;
afterAll(async () => {
  await pb?.stop();
});

const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
};

it('reports the holes of a misconfigured hub', async () => {
  pb = await startPrivateBus(undefined, (dir) => {
    const hub = join(dir, 'hub', 'hub.conf');
    edit(hub, '{ service: "shekara.inbox.interior.from.border", accounts: [BORDER] }', '{ service: "shekara.inbox.interior.from.border" }');
    edit(hub, '{ service: { account: INTERIOR, subject: "shekara.inbox.interior.from.customs" } }', '{ service: { account: INTERIOR, subject: "shekara.inbox.interior.from.customs" } }\n      { service: { account: INTERIOR, subject: "shekara.inbox.interior.from.border" } }');
    edit(join(dir, 'customs', 'server.conf'), 'publish: { allow: ["shekara.inbox.interior.from.customs"', 'publish: { allow: ["shekara.inbox.interior.from.border", "shekara.inbox.interior.from.customs"');
  });
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  const code = await main(['bus', 'check', '--bus', pb.dir], { stdout, stderr: process.stderr, now: () => new Date(0) });
  const table = chunks.join('');
  expect(code).toBe(1);
  const bad = table.split('\n').filter((l) => l.startsWith('HOLE'));
  expect(bad).toHaveLength(1);
  expect(bad[0]).toMatch(/^HOLE\s+customs-node\s+publish-as\s+denied\s+allowed\s+shekara\.inbox\.interior\.from\.border\s+(PubAck|reached)/);
  expect(table).toMatch(/acts, 1 hole$/m);

  // Against a system in service: without the acts that store test messages, the hole still shows.
  const quiet: string[] = [];
  const out2 = new PassThrough();
  out2.on('data', (c: Buffer) => quiet.push(c.toString()));
  expect(await main(['bus', 'check', '--bus', pb.dir, '--forbidden-only', '--json'], { stdout: out2, stderr: process.stderr, now: () => new Date(0) })).toBe(1);
  const rows = quiet.join('').trim().split('\n').map((l) => JSON.parse(l) as { act: string; actor: string; target: string; expect: string; outcome: string });
  expect(rows.filter((r) => r.act === 'send-envelope' || r.act === 'publish-own-dlq')).toEqual([]);
  expect(rows.filter((r) => r.outcome !== r.expect).map((r) => `${r.actor} ${r.act} ${r.target}`)).toEqual(['customs-node publish-as shekara.inbox.interior.from.border']);
});
