import { Writable } from 'node:stream';
import { JsonLogger, withLogContext } from './logger';

describe('JsonLogger', () => {
  it('writes one JSON object a line with the message and correlation ids of the context', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).trim().split('\n'));
        cb();
      },
    });
    const logger = new JsonLogger('border', 'info', sink);
    await withLogContext({ messageId: 'm-1', correlationId: 'c-1' }, async () => {
      await Promise.resolve();
      logger.log({ msg: 'stored', recipients: 2 }, 'Inbox');
    });
    logger.warn('plain text');
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ service: 'border', level: 'info', msg: 'stored', messageId: 'm-1', correlationId: 'c-1', context: 'Inbox', recipients: 2 });
    expect(second).toMatchObject({ level: 'warn', msg: 'plain text' });
    expect(second.messageId).toBeUndefined();
  });
});
