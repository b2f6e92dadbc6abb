// The one line a developer reads after `npm start`: where to open the app. Production stays
// with the structured logs only (a platform's log viewer needs no greeting).

/** The address a browser on this machine opens for a server bound to `host`. */
export function openUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host
  const shown = local.includes(':') ? `[${local}]` : local
  return `http://${shown}:${port}`
}

export function readyLine(host: string, port: number): string {
  return `rag-auth is ready: open ${openUrl(host, port)} in your browser (Ctrl+C to stop)\n`
}
