// Worker threads of the ingest stage run at a lower priority than the thread that serves the
// UI and API: when they want the same core, the UI goes first.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice added to an ingest thread: the UI and API thread (nice 0) goes first and ingest takes
 * what is left (429s tell senders to slow down). */
export const INGEST_NICE = 10;

/** On Linux a thread's id works as a process id for setpriority; elsewhere (no
 * /proc/thread-self) the thread keeps the process's priority. */
export function yieldToTheUi(nice = INGEST_NICE): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the same priority as the rest of the core.
  }
}
