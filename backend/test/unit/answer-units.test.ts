import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { statesAction, unitsOf } from '../../src/rag/answer-units.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

describe('statesAction', () => {
  it('reads instructions, commands and requests as telling the reader what to do', () => {
    for (const s of [
      'Restart the Space.',
      '1. Create a project on neon.tech and copy its connection string.',
      'To delete your own account, choose Delete account on the account page.',
      '- In the browser: sign in and upload files on `/admin/documents`.',
      'You can revoke one, sign out everywhere, or change your password.',
      '`DATABASE_URL=<url> npm run ingest -- ./docs` ingests a whole folder.',
      '`DATABASE_URL=<neon url> npm run ingest -- ./docs` ingests a whole folder.',
      '`npm test` runs the whole test suite.',
      '`LOG_LEVEL=debug PORT=8080 npm start` logs every request.',
      'Send `POST /api/documents` with a multipart upload.',
      // Any verb, when its object follows at once.
      'Refill the tank or grind coarser.',
      'Preheat the cups and raise the brew temperature.',
      'Wipe the wand with a damp cloth.',
      // A list item's later sentence, and the verbs a UI is worked with.
      '- `SMTP_URL`: `smtp://user:pass@host:587` or `smtps://…:465`. To send email, set `SMTP_URL`.',
      'To see which documents an answer used, read the Sources list under it.',
      'Rate it with `Good answer` or `Bad answer`.',
    ])
      assert.equal(statesAction(s), true, s)
  })

  it('does not read descriptions as instructions', () => {
    for (const s of [
      'PDF text is extracted page by page.',
      'Sign-in works on hf.space but not in the iframe.',
      'My documents: your personal space. Only you can read it or add to it.',
      'Markdown (`.md`, `.markdown`) and PDF (`.pdf`) are supported.',
      'A user is an administrator when their stored role is `admin`.',
      // A setting's value ends at its code span: what follows is prose, not a command's arguments.
      'With `SIGNUP=allowlist` only the emails in `SIGNUP_ALLOWLIST` may register.',
      // A word before "the" that is not a verb: a preposition, an adverb, a plural noun, a participle.
      'During the night the heating is off.',
      'Meanwhile the tank refills.',
      'Usually the first heat-up takes three minutes.',
      'Members the club admits pay a fee.',
      'Following the update, sign in again.',
      'Water leaks under the machine.',
      '- `PORT` (default 7860): where the server listens. The server uses port 7860 unless you change it.',
    ])
      assert.equal(statesAction(s), false, s)
  })
})

const chunkOf = (content: string): RetrievedChunk => ({
  chunk_id: 'c',
  document_id: 'd',
  space_id: 's',
  title: 'T',
  source: null,
  heading: null,
  content,
  snippet: '',
  score: 1,
})

describe('unitsOf', () => {
  it('reads whether a sentence tells what to do from the whole of it, wrapped lines joined', () => {
    const { units } = unitsOf(
      chunkOf(
        'Keep the codes it shows once. To delete\nyour own account, choose `Delete account`.\nThe page then\nopens the list.',
      ),
    )
    assert.equal(units.find((u) => u.text.startsWith('To delete'))?.action, true)
    assert.equal(units.find((u) => u.text.startsWith('The page'))?.action, undefined)
  })

  it('joins a sentence wrapped right after a colon, but not a colon before a list', () => {
    const { units } = unitsOf(
      chunkOf(
        'The key is shown once:\ncopy it with `Copy` and keep it safe.\nIt has three parts:\n- a prefix\n- a secret',
      ),
    )
    assert.equal(units[0]?.text, 'The key is shown once: copy it with Copy and keep it safe.')
    assert.equal(units[1]?.text, 'It has three parts:')
    assert.equal(units[2]?.kind, 'item')
  })

  it('joins a sentence wrapped right after an abbreviation ("e.g.")', () => {
    const { units } = unitsOf(
      chunkOf(
        'You need the OpenSSL libraries (e.g.\nlibssl-dev on Debian) and run:\n\n    % make BUILD_TLS=yes',
      ),
    )
    assert.equal(units[0]?.text, 'You need the OpenSSL libraries (e.g. libssl-dev on Debian) and run:')
  })

  it('brings the code block a sentence ending in a colon introduces, and the step after it', () => {
    const { units } = unitsOf(
      chunkOf(
        'You need Node 20. From the repository root:\n\n```bash\nnpm ci\nnpm start\n```\n\nThen open the page. It is all.',
      ),
    )
    const intro = units.findIndex((u) => u.text === 'From the repository root:')
    assert.deepEqual(units[intro]?.introduces, [intro + 1, intro + 2])
    assert.equal(units[intro]?.action, true)
    assert.equal(units[intro + 1]?.dep, intro)
    const then = units.findIndex((u) => u.text.startsWith('Then open'))
    assert.equal(units[then]?.dep, intro)
  })

  it('brings the code block a list item ending in a colon introduces', () => {
    const { units } = unitsOf(
      chunkOf(
        'Three ways in:\n\n1. The web UI.\n2. The command line, for folders of files:\n\n```bash\nnpm run ingest -- docs/\n```',
      ),
    )
    const item = units.findIndex((u) => u.text.startsWith('The command line'))
    assert.equal(units[item]?.kind, 'item')
    assert.deepEqual(units[item]?.introduces, [item + 1])
    assert.equal(units[item + 1]?.kind, 'code')
    assert.equal(units[item + 1]?.dep, item)
  })

  it("reads a code block's whole-line comments as introducing the lines after them", () => {
    const { units } = unitsOf(
      chunkOf(
        [
          '```js',
          '// Convert a string to bytes.',
          "const buf = encode('text')",
          'send(buf) // trailing: not a comment line',
          '',
          '#include <stdio.h>',
          '# To view test coverage:',
          '$ npm run coverage',
          '$ # Open the report',
          '$ open coverage/index.html',
          '// eslint-disable',
          '```',
        ].join('\n'),
      ),
    )
    const at = (start: string) => units.findIndex((u) => u.text.startsWith(start))
    const convert = at('// Convert')
    assert.equal(units[convert]?.comment, 'Convert a string to bytes.')
    assert.deepEqual(units[convert]?.introduces, [convert + 1, convert + 2])
    assert.equal(units[at('send(buf)')]?.comment, undefined)
    assert.equal(units[at('#include')]?.comment, undefined, 'a directive, not a comment')
    const coverage = at('# To view')
    assert.equal(units[coverage]?.comment, 'To view test coverage:')
    assert.deepEqual(units[coverage]?.introduces, [coverage + 1], 'up to the next comment')
    assert.equal(units[at('$ # Open')]?.comment, 'Open the report', 'after a shell prompt')
    assert.equal(units[at('// eslint')]?.comment, undefined, 'one word is no prose')
  })

  it("leaves out a table of contents' in-page links, and reads an API section's first sentence after its name", () => {
    const { units } = unitsOf(
      chunkOf(
        [
          '* [Install](#install)',
          '* <a href="#api"><code>queue#<b>push()</b></code></a>',
          '* [Changelog](https://example.com/changes)',
          '',
          '### queue.kill()',
          '',
          'Removes all waiting tasks. It keeps the running ones.',
          '',
          '### Install',
          '',
          'Run the installer.',
        ].join('\n'),
      ),
    )
    assert.deepEqual(
      units.filter((u) => u.kind === 'item').map((u) => u.text),
      ['Changelog'],
      'a link out of the page stays',
    )
    const removes = units.findIndex((u) => u.text.startsWith('Removes'))
    assert.equal(units[removes]?.describesHeading, 'kill')
    assert.equal(units[removes - 1]?.text, 'queue.kill()')
    assert.equal(units[removes]?.dep, removes - 1)
    assert.equal(
      units.find((u) => u.text.startsWith('Run the'))?.describesHeading,
      undefined,
      'not an API name',
    )
    // A chunk of one section: its heading is the chunk's.
    const alone = unitsOf({
      ...chunkOf('Returns the number of waiting tasks.'),
      heading: 'API > queue.length()',
    })
    assert.equal(alone.units[0]?.describesHeading, 'length')
    assert.equal(alone.units[0]?.needsHeading, true)
  })

  it("reads a FAQ's question, alone in its paragraph with its answer after it, as the answer's heading", () => {
    const faq = [
      'Why does ps get signal 17?',
      '',
      '\tNo ps release has ever had this problem. Is your system broken into?',
      '',
      'Where do I send bug reports?',
    ].join('\n')
    for (const plain of [true, false]) {
      const { units } = unitsOf({ ...chunkOf(faq), plain })
      assert.deepEqual(
        units.map((u) => u.kind),
        ['heading', 'sentence', 'sentence', 'sentence'],
        'a question in its answer, and one with no answer after it, stay sentences',
      )
    }
  })

  it('reads a one-item list without a full stop over the paragraphs it titles as their heading', () => {
    const { units } = unitsOf(
      chunkOf(
        [
          '- Troubles compiling programs',
          '',
          'Use the script to get the flags.',
          '',
          'Other areas do better:',
          '',
          '- Internationalisation',
          '',
          'It uses gettext.',
          '',
          '- Install Node 20.',
          '',
          'Then run it.',
        ].join('\n'),
      ),
    )
    const kind = (start: string) => units.find((u) => u.text.startsWith(start))?.kind
    assert.equal(kind('Troubles'), 'heading')
    assert.equal(kind('Internationalisation'), 'item', 'what a sentence ending in a colon introduces')
    assert.equal(kind('Install'), 'item', 'a full stop: an instruction, not a title')
  })

  it('brings the paragraph after a sentence ending in a colon, in a plain document too', () => {
    const text =
      'The easy way is to specify the width:\n\n\t\tps -o pid,user:19,comm\n\nOlder kernels differ.'
    for (const plain of [true, false]) {
      const { units } = unitsOf({ ...chunkOf(text), plain })
      assert.deepEqual(units[0]?.introduces, [1])
      assert.equal(units[1]?.dep, 0)
      assert.equal(units[2]?.dep, undefined, 'one paragraph only')
    }
  })

  it('reads an introduction too short to stand alone after the sentence before it', () => {
    const { units } = unitsOf(
      chunkOf('Documents are added by admins. Three ways:\n\n- In the browser.\n- With curl.'),
    )
    const intro = units.findIndex((u) => u.text === 'Three ways:')
    assert.equal(units[intro]?.dep, intro - 1)
    assert.deepEqual(units[intro]?.introduces, [intro + 1, intro + 2])
  })
})
