// Baseline 1: bare Fastify answering GET /hello — no logger, no plugins. Every throughput
// figure of the run is divided by this one, measured minutes apart on the same machine.
// BENCH_HELLO_LOGGER=1 runs the same server with Fastify's default logger (pino, info, two lines
// per request to stdout: the reference row "bare Fastify hello, pino logging on"), which
// shows what logging alone costs on this machine.
import Fastify from 'fastify'
import { serveRpc } from './lib/procs.js'

const app = Fastify({ logger: process.env.BENCH_HELLO_LOGGER === '1' })
app.get('/hello', async () => ({ hello: 'world' }))
serveRpc({})
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
