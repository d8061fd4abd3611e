import type { Response } from 'express';

/**
 * Writes a streamed export to the response as its chunks are made, waiting for the client to take
 * each (backpressure: the heap holds about one chunk). The first chunk is made before anything is
 * sent, so a refusal (or a failure) until then is answered as any error is; a failure later ends
 * the response abruptly (the client sees an incomplete download, never a complete-looking file).
 * `abort` is aborted when the client goes away: the producer stops and closes its query.
 */
export async function streamResponse(res: Response, abort: AbortController, headers: Record<string, string>, chunks: AsyncGenerator<string>): Promise<void> {
  const gone = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', gone);
  try {
    let next = await chunks.next();
    res.status(200);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.flushHeaders();
    while (!next.done && !abort.signal.aborted) {
      if (!res.write(next.value)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (abort.signal.aborted) break;
      next = await chunks.next();
    }
    if (!abort.signal.aborted) res.end();
  } catch (e) {
    if (!res.headersSent) throw e;
    res.destroy(e as Error);
  } finally {
    res.off('close', gone);
    // Runs the producer's cleanup (cursor closed, connection freed) when it did not finish.
    await chunks.return(undefined);
  }
}
