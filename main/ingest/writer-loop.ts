// The queue loop the writer runs (in its worker, or inline on the main thread in tests and
// from source): batch whatever is queued into one transaction, reply per job, and run
// retention between transactions.
import type { JobWriter } from './job-writer';
import { jobBytes, type IngestJob, type IngestOutcome, type WorkerReply } from './jobs';

/** Jobs committed together at most (more wait for the next transaction): one transaction of
 * many large requests would hold every small one behind it. Bytes per transaction are bounded
 * by the core (a share of the size cap). */
const MAX_JOBS_PER_TX = 64;
const RETENTION_EVERY_MS = 15_000;
const TICK_EVERY_MS = 5_000;

export function runQueue(core: JobWriter, reply: (r: WorkerReply) => void) {
  const queue: Array<{ id: number; job: IngestJob }> = [];
  let scheduled = false;
  let stopped = false;
  let lastRetention = Date.now();
  let lastTick = Date.now();

  // Over the size cap (checked after every commit; two header reads), retention runs at once
  // instead of every 15 s, so it keeps pace with ingest.
  const retentionDue = (used: number) => used > core.retention.maxSizeBytes || core.retention.overCap || Date.now() - lastRetention > RETENTION_EVERY_MS;
  const usedBytes = () => {
    try {
      return core.retention.usedBytes();
    } catch {
      return 0;
    }
  };
  const flush = () => {
    scheduled = false;
    if (stopped) return;
    let n = 0;
    let bytes = 0;
    while (n < queue.length && n < MAX_JOBS_PER_TX && (n === 0 || bytes + jobBytes(queue[n].job) <= core.maxTxBytes)) bytes += jobBytes(queue[n++].job);
    const take = queue.splice(0, n);
    let used: number | undefined;
    if (take.length > 0) {
      let results: Array<{ id: number; outcome: IngestOutcome }>;
      try {
        const { outcomes, summary } = core.process(take.map((t) => t.job));
        results = take.map((t, i) => ({ id: t.id, outcome: outcomes[i] }));
        if (summary && summary.spans + summary.logs + summary.metricPoints > 0) reply({ type: 'committed', summary });
      } catch (e) {
        // A fault of ours: these jobs are answered (503), the loop goes on.
        const failed = `the writer failed: ${(e as Error).message}`;
        results = take.map((t) => ({ id: t.id, outcome: { accepted: 0, duplicates: 0, rejected: 0, errors: [], failed } }));
      }
      // With the store's used size, so the queue refuses new jobs (429) the moment a commit
      // carried the store well past its cap, before retention has had its turn.
      used = usedBytes();
      reply({ type: 'done', results, usedBytes: used });
    }
    if (Date.now() - lastTick > TICK_EVERY_MS) {
      lastTick = Date.now();
      try {
        const oldestMinute = core.tick();
        if (oldestMinute !== null)
          reply({ type: 'committed', summary: { spans: 0, logs: 0, metricPoints: 0, services: [], tables: ['rollups'], traceIds: [], lastLogId: 0, oldestMinute } });
      } catch {
        // Settling map halves is retried on the next tick.
      }
    }
    if (retentionDue(used ?? usedBytes())) {
      lastRetention = Date.now();
      try {
        const r = core.retention.step();
        core.retention.foldWal(r);
        // Sent every round: the queue refuses new jobs (429) while the store is well over its cap.
        reply({ type: 'retention', report: r });
      } catch {
        // Retried next round (e.g. the disk is full and the delete journal cannot grow).
      }
    }
    if (queue.length > 0) schedule();
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const timer = setInterval(schedule, TICK_EVERY_MS);
  timer.unref();

  return {
    push(id: number, job: IngestJob) {
      queue.push({ id, job });
      schedule();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
