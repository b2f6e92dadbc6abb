// Command-line options: `npm run bench [-- --quick | --soak] [--record] [--only a,b]
// [--load=wrk|autocannon]`. --load picks the load tool of the throughput scenarios (hello, lookup,
// me, health, the seed's design); by default wrk when it is on PATH, autocannon otherwise.
export interface BenchOptions {
  mode: 'full' | 'quick' | 'soak'
  /** Seconds per load run. */
  durationS: number
  /** Interleaved rounds of the throughput scenarios (median taken). */
  rounds: number
  /** Corpus for chat (and the first search point). */
  chatChunks: number
  /** Corpus for the search target. */
  searchChunks: number
  pgliteChunks: number
  users: number
  signinRequests: number
  soakSeconds: number
  /** Write bench/RESULTS.md (latest table + a history line). */
  record: boolean
  only: Set<string> | null
  /** Load tool of the throughput scenarios; 'auto': wrk if installed, else autocannon. */
  load: 'auto' | 'wrk' | 'autocannon'
}

export function parseOptions(argv: string[]): BenchOptions {
  const has = (f: string) => argv.includes(f)
  const value = (f: string) => {
    const a = argv.find((x) => x.startsWith(`${f}=`))
    return a ? a.slice(f.length + 1) : undefined
  }
  const mode = has('--soak') ? 'soak' : has('--quick') ? 'quick' : 'full'
  const quick = mode === 'quick'
  const only = value('--only')
  const num = (f: string, d: number) => {
    const v = value(f)
    return v !== undefined && Number.isFinite(Number(v)) ? Number(v) : d
  }
  const load = value('--load') ?? 'auto'
  if (load !== 'auto' && load !== 'wrk' && load !== 'autocannon') {
    throw new Error(`--load=${load}: expected wrk, autocannon or auto`)
  }
  return {
    mode,
    durationS: num('--duration', quick ? 3 : 5),
    rounds: num('--rounds', quick ? 1 : 5),
    chatChunks: num('--chat-chunks', quick ? 2_000 : 10_000),
    searchChunks: num('--search-chunks', quick ? 2_000 : 100_000),
    pgliteChunks: num('--pglite-chunks', quick ? 1_000 : 5_000),
    users: 64,
    signinRequests: quick ? 150 : 400,
    soakSeconds: Math.min(120, num('--soak-seconds', 110)),
    record: has('--record'),
    only: only ? new Set(only.split(',')) : null,
    load,
  }
}
