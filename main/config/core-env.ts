// The environment the core runs in when Loupe starts it (the desktop app, `npm start`, the
// benchmarks). MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own malloc arena
// and keeps what those arenas once held, so the core — main thread, writer, query
// worker, each with a SQLite page cache — held ~100 MB more than it used after a burst of ingest
// (1M spans: 446 MB resident against 340 MB with two arenas, at the same ingest rate; one arena
// cost ingest speed). Other C libraries ignore it; a value the user set is kept.
export function coreEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}
