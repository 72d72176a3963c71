// The queue loop the writer runs (in its worker, or inline on the main thread in tests and
// from source): batch whatever is queued into one transaction, reply per job, and run
// retention between transactions.
import type { IngestCore, IngestJob } from './ingest-core';
import type { WorkerReply } from './ingest-pipeline';

/** Jobs committed together at most (more wait for the next transaction). */
const MAX_JOBS_PER_TX = 64;
const RETENTION_EVERY_MS = 15_000;
const TICK_EVERY_MS = 5_000;

export function runQueue(core: IngestCore, reply: (r: WorkerReply) => void) {
  const queue: Array<{ id: number; job: IngestJob }> = [];
  let scheduled = false;
  let stopped = false;
  let lastRetention = Date.now();
  let lastTick = Date.now();

  const flush = () => {
    scheduled = false;
    if (stopped) return;
    const take = queue.splice(0, MAX_JOBS_PER_TX);
    if (take.length > 0) {
      const { outcomes, summary } = core.process(take.map((t) => t.job));
      reply({ type: 'done', results: take.map((t, i) => ({ id: t.id, outcome: outcomes[i] })) });
      if (summary && summary.spans + summary.logs + summary.metricPoints > 0) reply({ type: 'committed', summary });
    }
    if (Date.now() - lastTick > TICK_EVERY_MS) {
      lastTick = Date.now();
      const oldestMinute = core.tick();
      if (oldestMinute !== null)
        reply({ type: 'committed', summary: { spans: 0, logs: 0, metricPoints: 0, services: [], tables: ['rollups'], traceIds: [], lastLogId: 0, oldestMinute } });
    }
    if (Date.now() - lastRetention > RETENTION_EVERY_MS) {
      lastRetention = Date.now();
      const r = core.retention.step();
      if (r.deleted.spans + r.deleted.logs + r.deleted.metric_points > 0) reply({ type: 'retention', report: r });
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
