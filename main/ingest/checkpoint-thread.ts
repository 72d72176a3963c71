// The checkpointer: copies committed pages from the write-ahead log into the database file on
// its own thread and connection, so a commit on the writer thread only appends to the log.
// Copying is what a commit otherwise pays for every few thousand pages (SQLite's
// autocheckpoint runs inside the commit that crosses it); here it runs on the other core while
// the writer decodes and inserts the next group. The writer keeps its autocheckpoint as the
// bound on the log's size: when it fires, this thread has already copied all but the last
// commits, so it is short, and the log starts over.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database';
import { yieldToTheUi } from './thread-priority';

export interface CheckpointerOptions {
  dataDir: string;
}

/** One copy at most this often while commits arrive; none while the writer is idle. */
const EVERY_MS = 50;

export type CheckpointerRequest = { type: 'committed' } | { type: 'close' };
export type CheckpointerReply = { type: 'ready' } | { type: 'closed' };

const port = parentPort!;
yieldToTheUi();
const db = openDatabase((workerData as CheckpointerOptions).dataDir, { cacheMb: 2 });
let timer: NodeJS.Timeout | null = null;
let last = 0;

function copy(): void {
  timer = null;
  last = Date.now();
  try {
    // PASSIVE: copies what no reader still needs and never waits for the writer or a reader.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The disk is full or the store is busy: the next commit asks again, and the writer's own
    // autocheckpoint bounds the log meanwhile.
  }
}

port.on('message', (msg: CheckpointerRequest) => {
  if (msg.type === 'committed') {
    if (timer === null) timer = setTimeout(copy, Math.max(0, last + EVERY_MS - Date.now()));
  } else if (msg.type === 'close') {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    db.close();
    port.postMessage({ type: 'closed' } satisfies CheckpointerReply);
    port.close();
  }
});
port.postMessage({ type: 'ready' } satisfies CheckpointerReply);
