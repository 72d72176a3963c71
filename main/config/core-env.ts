// The environment the core runs in when Loupe starts it (the desktop app, `npm start`, the
// benchmarks); a value the user set is kept.
//
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own malloc arena and keeps
// what those arenas once held, so the core — main thread, writer, query worker, each with a
// SQLite page cache — held ~100 MB more than it used after a burst of ingest (1M spans: 446 MB
// resident against 340 MB with two arenas, at the same ingest rate; one arena cost ingest
// speed). Other C libraries ignore it.
//
// MALLOC_MMAP_THRESHOLD_=1048576: glibc serves a large allocation with a mapping of its own,
// returned to the system when freed, but raises that threshold to the size of each such block
// it frees (up to 32 MiB). After the first large response, request bodies and results of up to
// several MB came from the arenas, and the holes they left stayed resident: 59 MB free inside
// the main arena after a 1M run. Fixed at 1 MiB: 281–287 MB resident at 1M against 303–315 MB,
// 348 against 362 MB at 10M, with the same ingest rate and query latencies. At 128 KiB it had
// cost queries 10–40 % more CPU (docs/performance.md, "Memory: garbage left by a burst").
//
// --max-semi-space-size=4 (MiB): V8 grows each isolate's young generation up to two 16 MiB
// semi-spaces under allocation and keeps them; the main thread and the query worker each held
// 32 MiB of it after a benchmark run. Capped at 4 MiB, the core's resident memory after 1M
// spans was 318 MB against 356–360 MB, at the same ingest rate and query latencies
// (docs/performance.md, "Memory: the young generation").
export const SEMI_SPACE_MB = 4;
export const MMAP_THRESHOLD_BYTES = 1024 * 1024;

export function coreEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? String(MMAP_THRESHOLD_BYTES),
    NODE_OPTIONS: nodeOptions.includes('--max-semi-space-size') ? nodeOptions : `${nodeOptions} --max-semi-space-size=${SEMI_SPACE_MB}`.trim(),
  };
}
