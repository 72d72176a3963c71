// The writer thread: owns the only write connection. Jobs arriving while a transaction runs
// are committed together in the next one.
import { parentPort, workerData } from 'node:worker_threads';
import { JobWriter } from './job-writer';
import type { WorkerReply, WorkerRequest, WriterOptions } from './jobs';
import { runQueue } from './writer-loop';

const port = parentPort!;
let core: JobWriter;
try {
  core = new JobWriter(workerData as WriterOptions);
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ type: 'fatal', message: (e as Error).message } satisfies WorkerReply);
  process.exit(1);
}

const loop = runQueue(core, (reply) => port.postMessage(reply));

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'job') loop.push(msg.id, msg.job);
  else if (msg.type === 'close') {
    loop.stop();
    core.close();
    port.postMessage({ type: 'closed' } satisfies WorkerReply);
    // Nothing else to do: let the thread end now rather than when the port is collected.
    port.close();
  }
});
