/** The worker thread of `verifyExport`: checks the message rows of a file and posts them in batches. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkMessageRows } from './rows';

async function run(): Promise<void> {
  for await (const batch of checkMessageRows((workerData as { path: string }).path)) parentPort!.postMessage(batch);
  parentPort!.postMessage(null);
}

void run();
