export * from './api-keys.js'
export * from './auth.js'
export * from './rag.js'
export * from './spaces.js'
