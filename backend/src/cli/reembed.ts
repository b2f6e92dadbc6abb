// `npm run reembed`: embeds every chunk again with EMBEDDING_MODEL / EMBEDDING_DIMENSIONS and
// records that model, which turns dense retrieval back on (restart a running Postgres-backed
// server afterwards; with PGlite the server must be stopped while this runs).
import { SingleBar } from 'cli-progress'
import { configFromEnvOrExit } from '../lib/env.js'
import { createEmbedder } from '../rag/embeddings.js'
import { reembedAll } from '../rag/reembed.js'
import { EXIT_FAILURE, EXIT_OK, openCliDatabase, parseCliArgs, runCli } from './common.js'

const USAGE = `usage: npm run reembed
Embeds every chunk again with EMBEDDING_MODEL / EMBEDDING_DIMENSIONS (set EMBEDDING_BASE_URL too).`

async function main(): Promise<number> {
  if (parseCliArgs({ options: { help: { type: 'boolean', short: 'h' } } }, USAGE).values.help) {
    process.stdout.write(`${USAGE}\n`)
    return EXIT_OK
  }
  // Checked before opening the database (a PGlite open takes seconds).
  const cfg = configFromEnvOrExit().config.embedding
  if (!cfg) {
    process.stderr.write(
      'error: set EMBEDDING_BASE_URL, EMBEDDING_MODEL and EMBEDDING_DIMENSIONS (and EMBEDDING_API_KEY if needed)\n',
    )
    return EXIT_FAILURE
  }
  const cli = await openCliDatabase()
  try {
    const started = performance.now()
    const bar = process.stderr.isTTY
      ? new SingleBar({ format: 're-embedding [{bar}] {value}/{total}' })
      : null
    let last = 0
    const count = await reembedAll(cli.db, createEmbedder(cfg), (done, total) => {
      if (bar) {
        if (done === 0) bar.start(total, 0)
        else bar.update(done)
      } else if (done === total || done - last >= 500) {
        process.stdout.write(`re-embedded ${done}/${total} chunks\n`)
        last = done
      }
    })
    bar?.stop()
    const secs = ((performance.now() - started) / 1000).toFixed(1)
    process.stdout.write(
      `re-embedded ${count} chunks with ${cfg.model} (${cfg.dimensions} dimensions) in ${secs}s\n`,
    )
    return EXIT_OK
  } finally {
    await cli.close()
  }
}

runCli(main)
