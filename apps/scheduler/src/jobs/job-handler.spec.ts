import type { Job } from 'bullmq';
import { JobName } from '../queues';
import { checkJobHandlers, scheduledInstant } from './job-handler';
import type { JobHandler } from './job-handler';

const h: JobHandler = { handle: async () => undefined };
const all = () => Object.values(JobName).map((name) => ({ name, handler: h, owner: `H(${name})` }));

describe('checkJobHandlers', () => {
  it('accepts exactly one handler per registered job', () => {
    expect(checkJobHandlers(all()).size).toBe(Object.values(JobName).length);
  });

  it('refuses a job without a handler, a job with two, and a handler of an unknown job', () => {
    const missing = all().filter((f) => f.name !== JobName.Escalate);
    expect(() => checkJobHandlers(missing)).toThrow(`job "${JobName.Escalate}" has no handler`);
    expect(() => checkJobHandlers([...all(), { name: JobName.WindowOpen, handler: h, owner: 'Other' }])).toThrow(`job "${JobName.WindowOpen}" has 2 handlers (H(${JobName.WindowOpen}), Other)`);
    expect(() => checkJobHandlers([...all(), { name: 'window.reopen', handler: h, owner: 'Stray' }])).toThrow('handler Stray names job "window.reopen", which is not in the registry');
  });
});

describe('scheduledInstant', () => {
  it('is the scheduler iteration\'s own time, else the id\'s, else creation + delay', () => {
    expect(scheduledInstant({ opts: { prevMillis: 1_000 }, id: 'repeat:x:2000', timestamp: 5 } as Job).getTime()).toBe(1_000);
    expect(scheduledInstant({ opts: {}, id: 'repeat:daily-open@Asia/Oral:2000', timestamp: 5 } as Job).getTime()).toBe(2_000);
    expect(scheduledInstant({ opts: { delay: 10 }, id: 'catchup-x', timestamp: 5 } as Job).getTime()).toBe(15);
  });
});
