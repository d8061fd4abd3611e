/**
 * The ledger lists a handover act its receiving unit left unanswered past its acceptance deadline
 * as due for escalation (the scheduler's sweep asks for these), by the engine's own deadline rule:
 * not one answered, withdrawn, still within its deadline, or already escalated.
 */
import { ManualClock } from '@shekara/common';
import type { AuditMessage } from '@shekara/policy';
import { DueEscalationsQuery, MarkEscalatedCommand } from '../../apps/supervisor/src/queries/escalations';
import { SupervisorHarness, sentEvent } from './harness';

const AS_OF = new Date('2024-03-04T12:00:00.000Z');
const H = 3600_000;
const h = new SupervisorHarness({ clock: new ManualClock(AS_OF.toISOString()) });

afterAll(() => h.cleanup());

it('escalates the unanswered act, once, and nothing else', async () => {
  await h.start();
  const members = h.directory!.groups.find((g) => g.level === 4)!.members;
  const bor = members.find((m) => m.startsWith('border.'))!;
  const int = members.find((m) => m.startsWith('interior.'))!;
  const messages: AuditMessage[] = [];
  const act = (id: string, handedMsAgo: number, items: string[]) => {
    const eventAt = new Date(AS_OF.getTime() - handedMsAgo);
    messages.push({ id, kind: 'HANDOVER_PROPOSAL', from: bor, to: [int], sentAt: new Date(eventAt.getTime() + 60_000), eventAt, items });
  };
  const step = (id: string, kind: AuditMessage['kind'], actId: string, from: string) => messages.push({ id, kind, from, to: [from === bor ? int : bor], sentAt: new Date(AS_OF.getTime() - H / 2), confirms: actId });
  act('act-unanswered', 4 * H, ['person', 'goods']); // due 3 h after: passed
  act('act-answered', 4 * H, ['person']);
  step('act-answered-a', 'HANDOVER_ACCEPTANCE', 'act-answered', int);
  act('act-withdrawn', 4 * H, ['person']);
  step('act-withdrawn-w', 'HANDOVER_WITHDRAWAL', 'act-withdrawn', bor);
  act('act-by-stranger', 4 * H, ['person']);
  step('act-by-stranger-a', 'HANDOVER_ACCEPTANCE', 'act-by-stranger', bor); // not the receiving unit: no answer
  act('act-goods', 4 * H, ['goods']); // due 24 h after: not yet
  await h.publish(messages.map((m) => sentEvent(m)));
  await h.settled(messages.length, messages.length);

  const due = h.app!.get(DueEscalationsQuery);
  const items = await due.run(AS_OF, 0);
  expect(items.map((i) => [i.obligation, i.id, i.sender, i.recipients, i.due.toISOString()])).toEqual([
    ['HANDOVER_ACCEPTANCE', 'act-by-stranger', int, [bor], new Date(AS_OF.getTime() - H).toISOString()],
    ['HANDOVER_ACCEPTANCE', 'act-unanswered', int, [bor], new Date(AS_OF.getTime() - H).toISOString()],
  ]);
  // Within the horizon: the goods act too.
  expect((await due.run(AS_OF, 21 * 3600)).map((i) => i.id)).toContain('act-goods');
  // Escalated once: no longer due.
  expect(await h.app!.get(MarkEscalatedCommand).run('act-unanswered', AS_OF)).toBe(false);
  expect((await due.run(AS_OF, 0)).map((i) => i.id)).toEqual(['act-by-stranger']);
}, 60_000);
