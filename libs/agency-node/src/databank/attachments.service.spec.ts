import { Readable } from 'node:stream';
import { create } from '@bufbuild/protobuf';
import { BANK_ATTACHMENT_CHUNK_BYTES, EnvelopeSchema } from '@shekara/contracts';
import { PermanentMessageError } from '@shekara/messaging';
import { BankAttachments, chunkCount, readAtMost } from './attachments.service';

/** The checks of a chunk use nothing of the node: an instance without its collaborators. */
const attachments = new (BankAttachments as unknown as new (...a: unknown[]) => BankAttachments)();

const chunk = (size: number, index: number, count: number, length: number) =>
  create(EnvelopeSchema, {
    senderUnit: 'interior.l1.KZ',
    payload: { case: 'bankAttachmentChunk', value: { sha256: 'ab'.repeat(32), size, mediaType: 'application/pdf', index, count, data: new Uint8Array(length) } },
  });

describe('attachment chunks on arrival', () => {
  const C = BANK_ATTACHMENT_CHUNK_BYTES;

  it('takes chunks whose place and length agree with the size of the whole', () => {
    expect(chunkCount(25 * 1024 * 1024)).toBe(50);
    expect(chunkCount(C + 1)).toBe(2);
    expect(attachments.verifyChunk(chunk(C + 1, 0, 2, C)).chunk.index).toBe(0);
    expect(attachments.verifyChunk(chunk(C + 1, 1, 2, 1)).chunk.index).toBe(1);
  });

  it.each([
    ['a wrong count', chunk(C + 1, 0, 3, C)],
    ['an index past the end', chunk(C + 1, 2, 2, 1)],
    ['a short middle chunk', chunk(3 * C, 1, 3, C - 1)],
    ['a last chunk too long', chunk(C + 1, 1, 2, 2)],
  ])('refuses %s (dead letter)', (_what, env) => {
    expect(() => attachments.verifyChunk(env)).toThrow(PermanentMessageError);
  });
});

describe('readAtMost', () => {
  it('reads up to the limit and refuses one byte more', async () => {
    expect((await readAtMost(Readable.from([Buffer.alloc(6), Buffer.alloc(4)]), 10))?.length).toBe(10);
    expect(await readAtMost(Readable.from([Buffer.alloc(6), Buffer.alloc(5)]), 10)).toBeUndefined();
    expect((await readAtMost(Readable.from([]), 10))?.length).toBe(0);
  });
});
