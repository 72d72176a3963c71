// The writer thread: owns the only write connection. Jobs arriving while a transaction runs
// are committed together in the next one.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { collectWhenIdle } from '../config/idle-collect';
import { JobWriter } from './job-writer';
import type { WorkerReply, WorkerRequest, WriterOptions } from './jobs';
import { runQueue } from './writer-loop';

const port = parentPort!;

/** Nice added to this thread: when ingest and the UI want the same core, the thread that
 * serves the UI and API (nice 0) goes first and ingest takes what is left (429s tell senders to
 * slow down). On Linux a thread's id works as a process id for setpriority; elsewhere (no
 * /proc/thread-self) the thread keeps the process's priority. */
const WRITER_NICE = 10;

function yieldToTheUi(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WRITER_NICE);
  } catch {
    // Not Linux, or not allowed: the same priority as the rest of the core.
  }
}

yieldToTheUi();
collectWhenIdle();
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
  // Between transactions (messages are handled between the loop's turns).
  else if (msg.type === 'searchKeys') port.postMessage(core.changeSearchKeys(msg.id, msg.change));
  else if (msg.type === 'close') {
    loop.stop();
    core.close();
    port.postMessage({ type: 'closed' } satisfies WorkerReply);
    // Nothing else to do: let the thread end now rather than when the port is collected.
    port.close();
  }
});
