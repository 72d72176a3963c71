// The query worker: its own read connection, running one heavy query at a time. The main
// thread ends it (and starts another) when the client of the running query goes away.
import { parentPort, workerData } from 'node:worker_threads';
import { collectWhenIdle } from '../config/idle-collect';
import { READ_CACHE_MB, ReadStore } from './read-store';
import { runHeavyQuery, type QueryReply, type QueryRequest } from './heavy-queries';
import { serviceMap } from './service-map';
import { keepWarm } from './warm-up';
import { LogMarks } from './log-marks';

const port = parentPort!;
const store = new ReadStore((workerData as { dataDir: string }).dataDir, (line) => console.warn(line), READ_CACHE_MB.worker);
port.postMessage({ type: 'ready' } satisfies QueryReply);
collectWhenIdle();
// The map's last hour stays merged in memory: its first call reads blocks, not minutes.
keepWarm(store, () => serviceMap(store, {}));
// The full-text histogram's per-record marks: loaded in small steps between queries, and
// kept up with ingest, so a histogram call finds little or nothing left to load.
store.logMarks = new LogMarks(store);
const followLogs = () => {
  let state = 'unusable';
  try {
    state = store.db.transaction(() => store.logMarks!.catchUp(20_000))();
  } catch {
    // The store is closing, or busy: try again on the next round.
  }
  setTimeout(followLogs, state === 'loading' ? 1 : 2_000).unref();
};
setTimeout(followLogs, 100).unref();

port.on('message', (msg: QueryRequest) => {
  if (msg.type === 'invalidate') return store.invalidateRollups(msg.minute);
  try {
    port.postMessage({ type: 'result', id: msg.id, value: runHeavyQuery(store, msg.name, msg.input) } satisfies QueryReply);
  } catch (e) {
    const err = e as Error & { status?: unknown; code?: unknown };
    port.postMessage({
      type: 'error',
      id: msg.id,
      message: err.message,
      status: typeof err.status === 'number' ? err.status : undefined,
      code: typeof err.code === 'string' ? err.code : undefined,
    } satisfies QueryReply);
  }
});
