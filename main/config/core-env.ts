// The environment the core runs in when Loupe starts it (the desktop app, `npm start`, the
// benchmarks); a value the user set is kept.
//
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own malloc arena and keeps
// what those arenas once held, so the core — main thread, writer, query worker, each with a
// SQLite page cache — held ~100 MB more than it used after a burst of ingest (1M spans: 446 MB
// resident against 340 MB with two arenas, at the same ingest rate; one arena cost ingest
// speed). Other C libraries ignore it.
//
// --max-semi-space-size=4 (MiB): V8 grows each isolate's young generation up to two 16 MiB
// semi-spaces under allocation and keeps them; the main thread and the query worker each held
// 32 MiB of it after a benchmark run. Capped at 4 MiB, the core's resident memory after 1M
// spans was 318 MB against 356–360 MB, at the same ingest rate and query latencies
// (docs/performance.md, "Memory: the young generation").
export const SEMI_SPACE_MB = 4;

export function coreEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: nodeOptions.includes('--max-semi-space-size') ? nodeOptions : `${nodeOptions} --max-semi-space-size=${SEMI_SPACE_MB}`.trim(),
  };
}
