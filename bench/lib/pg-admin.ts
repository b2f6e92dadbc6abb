// A fresh Postgres database per run (bench_<random>), dropped at the end whatever happens.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

function assertLoopback(url: string) {
  const host = new URL(url).hostname
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`the benchmark only talks to loopback Postgres, not ${host}`)
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  assertLoopback(ADMIN_URL)
  const name = `bench_${randomBytes(6).toString('hex')}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  let dropped = false
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return
      dropped = true
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await a.end({ timeout: 5 })
      }
    },
  }
}

export async function postgresVersion(): Promise<string> {
  const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const [row] = await a.unsafe('show server_version')
    return String((row as unknown as { server_version: string }).server_version)
  } finally {
    await a.end({ timeout: 5 })
  }
}
