// Reading a password for the operator CLI: hidden input (asked twice) on a terminal, or the first
// line of stdin when it is piped (`printf '%s\n' "$PW" | npm run user -- create a@b.c`).
// Prompts go to stderr so stdout stays clean for scripts.

/** Thrown for input problems (mismatch, nothing on stdin, Ctrl-C). */
export class PasswordInputError extends Error {}

export async function readPassword(prompt: string, confirmPrompt: string): Promise<string> {
  if (!process.stdin.isTTY) return readPipedPassword()
  const first = await readHidden(prompt)
  const second = await readHidden(confirmPrompt)
  if (first !== second) throw new PasswordInputError('the passwords do not match')
  return first
}

async function readPipedPassword(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  // The first line, without its line ending; spaces inside and at the ends are part of the password.
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  if (line.length === 0) throw new PasswordInputError('no password given on stdin')
  return line
}

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (err: Error | null) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.removeListener('data', onData)
      process.stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null)
        if (ch === '\u0003') return finish(new PasswordInputError('cancelled'))
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('')
        else if (ch >= ' ') value += ch
      }
    }
    stdin.setEncoding('utf8')
    stdin.setRawMode(true)
    stdin.resume()
    stdin.on('data', onData)
  })
}
