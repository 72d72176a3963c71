// The writer thread: owns the only write connection. Jobs arriving while a transaction runs
// are committed together in the next one.
import { parentPort, workerData } from 'node:worker_threads';
import { IngestCore, type IngestCoreOptions, type IngestJob } from './ingest-core';
import type { WorkerReply, WorkerRequest } from './ingest-pipeline';
import { runQueue } from './ingest-loop';

const port = parentPort!;
let core: IngestCore;
try {
  core = new IngestCore(workerData as IngestCoreOptions);
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ type: 'fatal', message: (e as Error).message } satisfies WorkerReply);
  process.exit(1);
}

const loop = runQueue(core, (reply) => port.postMessage(reply));

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'job') loop.push(msg.id, msg.job as IngestJob);
  else if (msg.type === 'close') {
    loop.stop();
    core.close();
    port.postMessage({ type: 'closed' } satisfies WorkerReply);
    // Nothing else to do: let the thread end now rather than when the port is collected.
    port.close();
  }
});
