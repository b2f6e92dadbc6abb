/** Deterministic Markdown with `sections` headed sections (~3 chunks each), distinct per seed. */
export function bigMarkdown(sections: number, seed: number, title = 'Test document'): string {
  let x = seed
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x / 2147483648
  }
  const syll = ['ka', 'lo', 'mi', 'ra', 'tu', 'ven', 'dor', 'sil', 'pha', 'qua', 'zen', 'bri', 'mox', 'lek']
  const word = () =>
    Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => syll[Math.floor(rnd() * syll.length)]).join('')
  const out: string[] = [`# ${title} ${seed}\n`]
  for (let s = 0; s < sections; s++) {
    out.push(`## Section ${s} ${word()}\n`)
    for (let p = 0; p < 3; p++) out.push(`${Array.from({ length: 120 }, word).join(' ')}.\n`)
  }
  return out.join('\n')
}
