// The writer thread: owns the only write connection. Jobs arriving while a transaction runs
// are committed together in the next one; the checkpointer thread it starts copies the
// committed log into the database file beside it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerOptions, CheckpointerReply, CheckpointerRequest } from './checkpoint-thread';
import { JobWriter } from './job-writer';
import type { WorkerReply, WorkerRequest, WriterOptions } from './jobs';
import { yieldToTheUi } from './thread-priority';
import { runQueue } from './writer-loop';

const port = parentPort!;

yieldToTheUi();
let core: JobWriter;
try {
  core = new JobWriter(workerData as WriterOptions);
} catch (e) {
  port.postMessage({ type: 'fatal', message: (e as Error).message } satisfies WorkerReply);
  process.exit(1);
}

/** The checkpointer, when its bundle is beside this one (it ends with this thread). Without
 * it the writer's commits copy the log themselves, as SQLite does by default. */
function startCheckpointer(dataDir: string): Worker | null {
  const file = fileURLToPath(new URL('./ingest-checkpointer.js', import.meta.url));
  if (!existsSync(file)) return null;
  const w = new Worker(file, { workerData: { dataDir } satisfies CheckpointerOptions });
  // A checkpointer that fails leaves the writer copying on its own: nothing is lost.
  w.on('error', () => undefined);
  return w;
}
const checkpointer = startCheckpointer((workerData as WriterOptions).dataDir);
const committed: CheckpointerRequest = { type: 'committed' };
port.postMessage({ type: 'ready' } satisfies WorkerReply);

const loop = runQueue(core, (reply) => {
  port.postMessage(reply);
  if (reply.type === 'done') checkpointer?.postMessage(committed);
});

/** Lets the checkpointer close its connection before the writer closes the store (the last
 * connection to close folds the log into the file). */
function closeCheckpointer(): Promise<void> {
  if (!checkpointer) return Promise.resolve();
  return new Promise((done) => {
    const timeout = setTimeout(() => void checkpointer.terminate().then(() => done()), 5_000);
    checkpointer.on('message', (m: CheckpointerReply) => {
      if (m.type === 'closed') {
        clearTimeout(timeout);
        done();
      }
    });
    checkpointer.once('exit', () => {
      clearTimeout(timeout);
      done();
    });
    checkpointer.postMessage({ type: 'close' } satisfies CheckpointerRequest);
  });
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'job') loop.push(msg.id, msg.job);
  else if (msg.type === 'close') {
    loop.stop();
    void closeCheckpointer().then(() => {
      core.close();
      port.postMessage({ type: 'closed' } satisfies WorkerReply);
      // Nothing else to do: let the thread end now rather than when the port is collected.
      port.close();
    });
  }
});
