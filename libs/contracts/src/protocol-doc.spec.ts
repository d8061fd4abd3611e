/**
 * docs/protocol.md names the subjects, streams and consumers BusNames makes: each name the doc
 * shows is built here from the registry with placeholders, so a renamed subject fails this test
 * until the doc (and the CHANGELOG: a rename is a contract change) follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BusNames, RpcMethod } from './subjects';

const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');
// Placeholders that pass BusNames' own checks, then put back as the doc writes them.
const names = new BusNames('pfx');
const TO = 'interior' as const;
const FROM = 'border' as const;
const placeholders = (s: string) =>
  s
    .replace(/^pfx\b/, '<p>')
    .replace(/^PFX_/, '<P>_')
    .replace(/\binterior\b/g, '<to>')
    .replace(/_INTERIOR$/, '_<TO>')
    .replace(/\bborder\b/g, '<from>');

describe('docs/protocol.md and BusNames agree', () => {
  it.each([
    ['the inbox subject', placeholders(names.inboxFrom(TO, FROM))],
    ['the inbox stream', placeholders(names.inboxFromStream(TO).name)],
    ["the inbox stream's subjects", placeholders(names.inboxFromStream(TO).subjects[0])],
    ['the inbox consumer', placeholders(names.inboxFromConsumer(TO).durable)],
    ['the dead-letter subject', placeholders(names.deadLetterSubject(TO)).replace('<to>', '<agency>')],
    ['the dead-letter stream', placeholders(names.ownDeadLetterStream(TO).name).replace('<TO>', '<AGENCY>')],
    ['the dead-letter consumer', placeholders(names.ownDeadLetterConsumer(TO).durable).replace('<to>', '<agency>')],
    ['the signed audit subject', placeholders(names.auditSignedSubject(TO)).replace('<to>', '<agency>')],
    ['the audit stream', placeholders(names.auditStream().name)],
    ['the audit consumer', names.auditConsumer().durable],
    ['the RPC subject', placeholders(names.rpcFrom('interior', 'scheduler', RpcMethod.Notify)).replace('<to>', '<target>').replace('scheduler', '<caller>').replace(RpcMethod.Notify, '<method>')],
  ])('%s: %s', (_what, name) => {
    expect(doc).toContain(`\`${name}\``);
  });

  it('lists every RPC method', () => {
    for (const m of Object.values(RpcMethod)) expect(doc).toContain(`\`${m}\``);
  });
});
