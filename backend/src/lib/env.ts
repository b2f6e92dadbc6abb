// The only place (with server.ts and cli/*) that touches process.env.
import { existsSync } from 'node:fs'
import { type Config, ConfigError, type LoadedConfig, loadConfig } from '../config.js'

/** Reads `.env` (development convenience) without overriding real environment variables. */
export function loadDotEnv(path = '.env'): void {
  if (process.env.NODE_ENV === 'production' || !existsSync(path)) return
  process.loadEnvFile(path)
}

/** Parses the environment or exits 1 with one line per bad variable (never a stack trace). */
export function configFromEnvOrExit(): LoadedConfig {
  loadDotEnv()
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`config error: ${p}\n`)
      process.exit(1)
    }
    throw err
  }
}

export type { Config }
