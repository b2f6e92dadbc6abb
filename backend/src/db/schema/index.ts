export * from './auth.js'
export * from './rag.js'
