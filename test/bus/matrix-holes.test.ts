/**
 * The matrix must be able to fail: a hub configuration with a classic mistake (interior's inbox
 * export for border left open to every account, customs importing it, customs' publish list widened)
 * is reported as holes in exactly those acts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holes, runMatrix } from '../../apps/cli/src/bus/matrix';
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
  const bad = holes(await runMatrix(pb.bus));
  expect(bad.map((r) => `${r.actor} ${r.act} ${r.target}`)).toEqual(['customs-node publish-as shekara.inbox.interior.from.border']);
  expect(bad[0].detail).toMatch(/PubAck|reached/);
});
