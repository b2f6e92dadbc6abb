import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { NO_CONTEXT_ANSWER, offlineAnswer } from '../../src/rag/answer.js'
import { markersIn } from '../../src/rag/citations.js'
import { extractiveAnswer } from '../../src/rag/extractive.js'
import { questionTerms } from '../../src/rag/question-terms.js'
import { readSentencesOf } from '../../src/rag/sentences.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

function chunk(id: string, content: string, heading: string | null = null): RetrievedChunk {
  return {
    chunk_id: id,
    document_id: `doc-${id}`,
    space_id: 's',
    title: `Title ${id}`,
    source: null,
    heading,
    content,
    snippet: content.slice(0, 50),
    score: 1,
  }
}

/** A chunk as retrieval hands it over: the query's lexemes (lexeme, idf, df) and each sentence's. */
function analysed(
  c: RetrievedChunk,
  terms: [string, number, number][],
  sentenceLexemes: string[][],
): RetrievedChunk {
  return {
    ...c,
    analysis: { queryTerms: terms.map(([lexeme, idf, df]) => ({ lexeme, idf, df })), sentenceLexemes },
  }
}

/** analysed, with the BM25 score retrieval gave the chunk (how far behind the best it ranked). */
function scored(
  c: RetrievedChunk,
  terms: [string, number, number][],
  sentenceLexemes: string[][],
  lexicalScore: number,
): RetrievedChunk {
  const a = analysed(c, terms, sentenceLexemes)
  return { ...a, analysis: { ...(a.analysis as NonNullable<RetrievedChunk['analysis']>), lexicalScore } }
}

const DEPLOY = chunk(
  'a',
  `# Deploying

The server listens on port 7860 by default. Set the PORT variable to change the port.
Docker images run as a non-root user. The health check calls /health every thirty seconds.

\`\`\`sh
docker run -p 7860:7860 rag-auth
\`\`\``,
)
const CONFIG = chunk(
  'b',
  `Configuration is read from environment variables only. A .env file is read in development.
- Invalid values stop the process at start
- Every bad variable is reported at once`,
)
const UNRELATED = chunk('c', 'Bananas are yellow fruits that grow in tropical climates around the world.')

const answer = (question: string, chunks: RetrievedChunk[]) => {
  const a = extractiveAnswer(question, chunks)
  return a ?? { content: NO_CONTEXT_ANSWER, citations: [] }
}

/** The handbook fixture cut by its sections, as the chunker would. */
function handbook(): RetrievedChunk[] {
  const text = readFileSync(new URL('../fixtures/orchard-handbook.md', import.meta.url), 'utf8')
  return text
    .split(/^## /m)
    .slice(1)
    .map((section, i) => {
      const [heading = '', ...body] = section.split('\n')
      return {
        ...chunk(`h${i}`, body.join('\n').trim(), `Orchard handbook > ${heading.trim()}`),
        title: 'Orchard handbook',
      }
    })
}

describe('extractiveAnswer', () => {
  it('answers from the sentence about the thing asked, not the neighbouring one', () => {
    const a = answer('At what temperature are apples kept in the cold store?', handbook())
    assert.match(a.content, /^Apples are kept at 2\.5 °C/)
    assert.doesNotMatch(a.content, /0 °C|Quinces/)
    assert.equal(a.citations.length, 1)
  })

  it('"how long" leads with a number of a length unit, not a rate', () => {
    const a = extractiveAnswer('How long must a password be?', [
      chunk(
        'p',
        'Sign-in allows 5 password attempts per minute.\n\nPick a password of at least 8 characters for your account.',
      ),
      chunk('q', 'The server listens on port 7860. Uploads go to the data folder. Logs are written as JSON.'),
    ])
    assert.match(a?.content ?? '', /^Pick a password of at least 8 characters/)
  })

  it('a "who" question names someone the question does not', () => {
    const a = extractiveAnswer('Who first challenged the plague theory?', [
      chunk(
        'w',
        'The plague theory was much discussed and first challenged in the plague years.\n\nThe plague theory was first challenged by the bacteriologist J. F. D. Shrewsbury.',
      ),
    ])
    assert.match(
      a?.content ?? '',
      /^The plague theory was first challenged by the bacteriologist J\. F\. D\. Shrewsbury/,
    )
  })

  it('a question word counts as stated in another form of it (marry / marriage)', () => {
    const a = extractiveAnswer('Whom did Emma marry?', [
      chunk('e', 'Emma was born in Normandy. Her marriage to King Ethelred sealed the alliance.'),
      chunk('f', 'The server listens on port 7860. Uploads go to the data folder. Logs are written as JSON.'),
    ])
    assert.match(a?.content ?? '', /Her marriage to King Ethelred/)
  })

  it('answers a new subject from its own section', () => {
    const a = answer('How much does pressing cost?', handbook())
    assert.match(a.content, /^Pressing costs 40 cents per litre of juice/)
    assert.doesNotMatch(a.content, /apples|°C/i)
  })

  it('"What is X?" is answered by the section headed X, not by code or a passing use of the word', () => {
    const decorators = chunk(
      'd',
      `Defining a decorator twice in the same encapsulated context will throw an exception.

But this will not:

\`\`\`js
server.register(async function (server) {
  // A view decorator added to the current encapsulated plugin.
  server.decorateReply('view', render)
})
\`\`\``,
      'Decorators and Encapsulation',
    )
    const encapsulation = chunk(
      'e',
      'A fundamental feature of Fastify is the "encapsulation context." It governs which decorators, hooks and plugins are available to routes.\n\nIn the figure above, there are several entities.',
      'Encapsulation',
    )
    const a = answer('What is encapsulation?', [decorators, encapsulation])
    assert.match(
      a.content,
      /^A fundamental feature of Fastify is the "encapsulation context\." \[1\] It governs which decorators/,
    )
    assert.doesNotMatch(a.content, /figure/)
    assert.equal(a.citations[0]?.chunk_id, 'e')
    // Without that section, the code's comment still does not make "But this will not:" the answer.
    const alone = answer('What is encapsulation?', [decorators])
    assert.doesNotMatch(alone.content, /But this will not|decorateReply/)
    assert.match(alone.content, /same encapsulated context/)
  })

  it('a sentence captioning code leads only a question about code or how to do something', () => {
    const cost = chunk(
      'k',
      'Child logger creation is fast:\n\n```\nbenchPinoCreation*10000: 258.745ms\nbenchBoleCreation*10000: 283.276ms\n```',
      'Cost of child logging',
    )
    const intro = chunk(
      'i',
      'Child logger bindings are top-level fields on every log line emitted by the child logger.',
    )
    const a = answer('What is a child logger?', [cost, intro])
    assert.equal(a.citations[0]?.chunk_id, 'i', a.content)
    // Asked how, the code it introduces is the answer.
    const how = answer('How do I create a child logger?', [cost, intro])
    assert.equal(how.citations[0]?.chunk_id, 'k', how.content)
  })

  it('a cross-reference ("See Reopening log files") gives way to a sentence that says something', () => {
    const destination = chunk(
      'p',
      'A destination may be passed a file path.\n\n* See [`destination` parameter](#destination)\n* See [Reopening log files](/docs/help.md#reopening)',
      'pino.destination',
    )
    const transport = chunk(
      't',
      'The `pino/file` transport routes logs to a file (or file descriptor).',
      'pino/file',
    )
    const a = answer('How do I log to a file?', [destination, transport])
    assert.doesNotMatch(a.content, /^-? ?See /, a.content)
  })

  it('"How do I X?" takes the instruction whose purpose is X over a statement that says as much', () => {
    const upload = chunk(
      'u',
      "To upload a document, open My documents or a space's page and choose Upload, or send `space_id` with `POST /api/documents`.\nWithout a `space_id` an administrator's upload goes to the shared library and anyone else's to My documents.",
      'Uploading into a space',
    )
    const a = answer('How do I upload a document?', [upload])
    assert.match(a.content, /^To upload a document, open My documents/)
  })

  it('an instruction whose verb is the task answers "how do I" as its purpose does ("rate it" for rating)', () => {
    const shared = chunk(
      'a',
      'A rated answer is shared with the administrators, who read the ratings.',
      'Feedback',
    )
    const rate = chunk(
      'b',
      'To give feedback on an answer, rate it with `Good answer` or `Bad answer`, with an optional comment.',
      'Working with an answer',
    )
    assert.match(
      answer('How do I rate an answer?', [shared, rate]).content,
      /^To give feedback on an answer, rate it/,
    )
  })

  it("a yes-or-no question's subject and verb side by side are no compound name to find together", () => {
    const terms: [string, number, number][] = [
      ['document', 0.65, 20],
      ['upload', 1.6, 6],
      ['viewer', 3.1, 2],
    ]
    const roles = analysed(
      chunk(
        'r',
        "A member of a team space has one of three roles. A viewer can list, open, search and chat over the space's documents, but cannot upload or delete them. An editor can also upload and delete documents.",
        'Roles in a team space',
      ),
      terms,
      [
        ['member', 'team', 'space', 'one', 'three', 'role'],
        ['viewer', 'list', 'open', 'search', 'chat', 'space', 'document', 'cannot', 'upload', 'delet'],
        ['editor', 'also', 'upload', 'delet', 'document'],
      ],
    )
    assert.match(
      answer('Can a viewer upload documents?', [roles]).content,
      /^A viewer can list, .* cannot upload/,
    )
    // A name of two words still is one: the brew of "raise the brew temperature" is no cold brew.
    const brew = chunk(
      'b',
      'The coffee is too cold. Preheat the cups and raise the brew temperature.',
      'Troubleshooting',
    )
    assert.equal(answer('Can I make cold brew?', [brew]).content, NO_CONTEXT_ANSWER)
  })

  it('"What is X?" is answered by a list item that defines X by its label', () => {
    const kinds = chunk(
      'k',
      'There are three kinds of space:\n\n- The shared library: one per installation, readable by every signed-in user.\n- My documents: your personal space, created with your account. Only you can read it.\n- Team spaces: created by any signed-in user.',
      'What a space is',
    )
    const deleting = chunk(
      'd',
      'Deleting a document removes its chunks at once; it is no longer found.',
      'Deleting',
    )
    const mine = answer('What is My documents?', [deleting, kinds]).content
    assert.match(mine, /My documents: your personal space/)
    // The item under its introduction, not the other kinds.
    assert.match(mine, /^There are three kinds of space/)
    assert.doesNotMatch(mine, /shared library|Team spaces/)
  })

  it('one sentence stating both key words answers however long it is, and "everything" is the asked thing too', () => {
    const fresh = chunk(
      'f',
      'To reset everything and start fresh, stop the server and delete `./data`: the next start creates an empty database and loads the demo documents again.',
      'Backing up and starting fresh',
    )
    assert.match(answer('How do I reset the demo?', [fresh]).content, /^To reset everything and start fresh/)
  })

  it('"Can I bring my dog?" is answered by what is allowed, whatever the doing is called', () => {
    const access = chunk(
      'a',
      'All branches are step-free. Assistance dogs are welcome; other animals are not allowed.',
      'Accessibility',
    )
    const join = chunk(
      'j',
      'To join, bring a photo ID and proof of address to any branch desk.',
      'Membership',
    )
    const a = answer('Can I bring my dog?', [access, join])
    assert.equal(a.content, 'Assistance dogs are welcome; other animals are not allowed [1].')
    // Without a word of permission the doing must still be said.
    const seen = chunk('s', 'Assistance dogs are often seen in the reading rooms.', 'Accessibility')
    assert.equal(answer('Can I bring my dog?', [seen, join]).content, NO_CONTEXT_ANSWER)
  })

  it('a price answers what something costs, in other words ("rented for 2 euros", "no charge")', () => {
    const towels = chunk(
      't',
      'Towels can be rented at reception for 2 euros. Clean indoor shoes are required in the gym.',
      'Towels and clothing',
    )
    const lockers = chunk('l', 'Lockers are free and work with your own padlock.', 'Lockers')
    assert.equal(
      answer('What does a towel cost?', [towels, lockers]).content,
      'Towels can be rented at reception for 2 euros [1].',
    )
    const freezing = chunk(
      'f',
      'To freeze your membership, ask at reception at least one week in advance. There is no charge for freezing.',
      'Membership',
    )
    assert.match(
      answer('Does freezing cost anything?', [freezing]).content,
      /There is no charge for freezing/,
    )
  })

  it('"someone" is a placeholder, not a word the answer must state', () => {
    const push = chunk('a', "Nobody can push text into someone else's answers in a space.", 'Sharing a space')
    const invite = chunk(
      'b',
      "To invite a colleague to a team space, open the space's page, enter their email and choose `Add member`.",
      'Sharing a space',
    )
    assert.match(answer('How do I invite someone to my space?', [push, invite]).content, /Add member/)
  })

  it('two chunks retrieval scored nearly alike compete on what their sentences say, not on their order', () => {
    const terms: [string, number, number][] = [
      ['api', 1.0, 10],
      ['key', 1.3, 8],
      ['manag', 2.8, 2],
      ['user', 1.0, 10],
    ]
    const scored = (c: RetrievedChunk, lexicalScore: number, sentences: string[][]) => {
      const a = analysed(c, terms, sentences)
      return { ...a, analysis: { ...(a.analysis as NonNullable<RetrievedChunk['analysis']>), lexicalScore } }
    }
    const admin = scored(
      chunk(
        'm',
        '`Disable` ends every session of the user and stops their API keys at once.',
        'Managing users',
      ),
      8.1,
      [['disabl', 'end', 'everi', 'session', 'user', 'stop', 'api', 'key', 'onc']],
    )
    const keys = scored(
      chunk(
        'k',
        'A key never opens admin routes: managing users needs a signed-in session.',
        'What a key may do',
      ),
      7.7,
      [['key', 'never', 'open', 'admin', 'rout', 'manag', 'user', 'need', 'sign', 'session']],
    )
    keys.title = 'API keys'
    assert.match(
      answer('Can an API key manage users?', [admin, keys]).content,
      /^A key never opens admin routes/,
    )
    // Far behind, the same sentences give way to the better-ranked chunk.
    const behind = {
      ...keys,
      analysis: { ...(keys.analysis as NonNullable<RetrievedChunk['analysis']>), lexicalScore: 2 },
    }
    assert.match(answer('Can an API key manage users?', [admin, behind]).content, /^`?Disable/)
  })

  it('shows a sentence that two overlapping chunks hold once', () => {
    // Two chunks of one section of the freedesktop MIME spec (PDF), overlapping by a list item.
    const item =
      '• magic elements contain a list of match elements, any of which may match, and an optional priority attribute for all of the contained rules. Low numbers should be used for more generic types and higher values for specific subtypes. The default priority value is 50, and the maximum is 100.'
    const heading = '2. Unified system > 2.2. The source XML files'
    const a = chunk(
      'o1',
      `Each mime-type node may contain any combination of the following elements:\n\n• glob elements have a pattern attribute. There is also an optional weight attribute. The default weight value is 50, and the maximum is 100.\n\n${item}`,
      heading,
    )
    const b = {
      ...chunk('o2', `${item}\n\nEach match element has a number of attributes:`, heading),
      document_id: a.document_id,
    }
    const out = answer('What is the default priority of a magic rule?', [a, b])
    const sentences = out.content
      .replace(/\s*\[\d+\]/g, '')
      .split(/(?<=[.!?])\s+/)
      .filter(Boolean)
    assert.ok(sentences.length > 0 && out.citations.length > 0, out.content)
    assert.equal(new Set(sentences).size, sentences.length, out.content)
  })

  it('cites every document that says the answering sentence word for word', () => {
    // Two excerpts (SQuAD paragraphs p124 and p292) end in the same sentence; either is its source.
    const said =
      'Policies aiming at controlling unemployment and in particular at reducing its inequality-associated effects support economic growth.'
    const first = chunk('w1', `Increasing inequality harms economic growth. ${said}`)
    const second = chunk(
      'w2',
      `Robert J. Shiller said that rising inequality is the most important problem. ${said}`,
    )
    const out = answer('Policies which reduce the effects of unemployment support what type of growth?', [
      first,
      second,
      UNRELATED,
    ])
    assert.match(out.content, /^Policies aiming at controlling unemployment .* economic growth \[1\]\[2\]\.$/)
    assert.deepEqual(
      out.citations.map((c) => [c.index, c.document_id]),
      [
        [1, 'doc-w1'],
        [2, 'doc-w2'],
      ],
    )
    // Two chunks of one document are one source: one citation.
    const again = answer('Policies which reduce the effects of unemployment support what type of growth?', [
      first,
      { ...second, document_id: first.document_id },
    ])
    assert.deepEqual(
      again.citations.map((c) => c.document_id),
      ['doc-w1'],
    )
  })

  it('"What is X?" takes the sentence that says what X is over one that uses X', () => {
    const prerm = chunk('t1', 'Each dpkg trigger is checked by prerm.', 'Transition')
    const intro = chunk(
      't2',
      'A dpkg trigger is a facility that allows events caused by one package but of interest to another package to be recorded and processed later.',
      'Introduction',
    )
    const a = answer('What is a dpkg trigger?', [prerm, intro])
    assert.match(a.content, /^A dpkg trigger is a facility/, a.content)
    // "… is often a …", "… provide a …" say what X is too.
    const copying = chunk('x1', 'COPYING: XZ Utils copyright and license information.', 'Documentation')
    const overview = chunk(
      'x2',
      'The native file format is the .xz format. XZ Utils provide a general-purpose data-compression library plus command-line tools.',
      'Overview',
    )
    assert.match(
      answer('What is XZ Utils?', [copying, overview]).content,
      /^XZ Utils provide a general-purpose/,
    )
  })

  it('cites a chunk once when the answer takes two passages of it', () => {
    const secrets = chunk(
      's1',
      'Set these in the Space settings under "Variables and secrets":\n\n- `DATABASE_URL`: the Postgres connection string.\n- `SECRET_KEY`: a random pepper for session hashes.\n- `ADMIN_EMAILS`: your email.\n\nSecrets reach the container as environment variables; the Space restarts when they change.',
      'Deploy to Hugging Face Spaces > Secrets',
    )
    const a = answer('And which environment variables does the Space need?', [secrets])
    assert.equal(new Set(a.citations.map((c) => c.chunk_id)).size, a.citations.length, a.content)
    assert.match(a.content, /DATABASE_URL/)
  })

  it('keeps the list a sentence ending in a colon introduces', () => {
    const a = answer('What does the membership fee cover?', handbook())
    assert.match(a.content, /The membership fee covers:?[^\n]*\n- use of the cold store/)
    assert.match(a.content, /- two pressing slots per season/)
    assert.match(a.content, /- the newsletter/)
  })

  it('answers "what are the …" with the whole list its section holds, not its first item', () => {
    const modes = chunk(
      'm',
      '- `fast`: the kiln fires in one day and the glaze stays matte.\n- `slow`: the kiln cools over three days, for a glossy glaze.\n\nEach shelf costs 12 €.',
      'Pottery > Firing modes',
    )
    const several = answer('What are the firing modes?', [modes])
    // Code spans stay code in the answer.
    assert.match(several.content, /^- `fast`: [^\n]*\n- `slow`: /)
    assert.doesNotMatch(several.content, /12 €/)
    // A list of something else (ways, not kilns) is not the answer: the item that answers is.
    const ways = answer('Which kilns can I book online?', [
      chunk(
        'w',
        '- Online: the small kilns can be booked for a day.\n- By phone: the studio books the rest.',
        'Pottery > Two ways in',
      ),
    ])
    assert.equal(ways.content, '- Online: the small kilns can be booked for a day [1].')
    // Asked for one thing, the item that answers stands alone.
    const one = answer('Which firing mode gives a matte glaze?', [modes])
    assert.match(one.content, /^- `fast`: /)
    assert.doesNotMatch(one.content, /slow/)
  })

  it('answers both subjects of a joined question with what is asked of both', () => {
    const a = answer('How are keys and tokens stored?', [
      chunk('k', 'Keys are stored encrypted with AES-256 in the vault.', 'Secrets > Keys'),
      chunk(
        't',
        'Tokens can be revoked by an administrator at any time, which also logs out the user.',
        'Secrets > Revoking',
      ),
      chunk(
        'u',
        'A token is 32 random bytes. The server stores only its SHA-256 hash, never the value itself.',
        'Secrets > Tokens',
      ),
    ])
    assert.match(a.content, /AES-256/)
    assert.match(a.content, /SHA-256 hash/)
    assert.doesNotMatch(a.content, /revoked/)
  })

  it('leads with the sentence naming the identifier asked about, not one holding its parts', () => {
    const a = answer('What is CACHE_URL for?', [
      chunk('t', 'Tests also run against a real cache when TEST_CACHE_URL is set.', 'Testing'),
      chunk('c', 'CACHE_URL: a shared cache for the rendered pages of several instances.', 'Settings'),
    ])
    assert.match(a.content, /^CACHE_URL: a shared cache/)
    assert.equal(a.citations.length, 1)
  })

  it('leads with the sentence naming more of the identifiers asked about', () => {
    // Both name /status, the first ranked well ahead; only the second names `GET /status`.
    const ranked = (c: RetrievedChunk, lexicalScore: number): RetrievedChunk => ({
      ...c,
      analysis: { queryTerms: [{ lexeme: 'status', idf: 1.5, df: 5 }], sentenceLexemes: null, lexicalScore },
    })
    const a = answer('What does GET /status return?', [
      ranked(
        chunk('d', 'The image serves the API on port 8080, with a health check on `/status`.', 'Deploying'),
        2,
      ),
      ranked(
        chunk(
          's',
          'The status endpoint, `GET /status`, needs no sign-in and answers `{"state":"up","checks":{"db":"ok"}}`, or 503 when the database does not answer.',
          'Status',
        ),
        1,
      ),
    ])
    assert.equal(a.citations[0]?.chunk_id, 's', a.content)
  })

  it('a statement doing the asked task to another thing does not tell how to do it', () => {
    // "notebook" is in nearly every passage of these documents: "rename" carries the question.
    const weighed = (c: RetrievedChunk): RetrievedChunk => ({
      ...c,
      analysis: {
        queryTerms: [
          { lexeme: 'renam', idf: 3, df: 1 },
          { lexeme: 'notebook', idf: 0.2, df: 40 },
        ],
        sentenceLexemes: null,
      },
    })
    const a = answer('How do I rename a notebook?', [
      weighed(
        chunk(
          'o',
          'A reader can open the notebooks on a shelf. An editor can also add notebooks. An owner can also rename the shelf, add and remove readers, and delete the shelf.',
          'Shelves',
        ),
      ),
      weighed(chunk('u', 'Notebooks are listed by the date they were last opened.', 'Notebooks')),
    ])
    assert.equal(a.content, NO_CONTEXT_ANSWER)
  })

  it('"X cannot be done" answers "How do I do X?"', () => {
    const a = answer('How do I rename a notebook?', [
      chunk('n', 'A notebook cannot be renamed: export it and import it under the new name.', 'Notebooks'),
    ])
    assert.match(a.content, /^A notebook cannot be renamed/)
  })

  it('a path at the end of a URL with placeholders is not the path itself', () => {
    const a = answer('What does /status return?', [
      chunk('u', 'Note that `https://example.org/<team>/<project>/status` is the project page, not the app.'),
      chunk('s', 'The status endpoint `/status` answers `{"state":"up"}` without a sign-in.', 'Status'),
    ])
    assert.equal(a.citations[0]?.chunk_id, 's', a.content)
  })

  it("leads with the sentence holding the question's words together, not one scattering them", () => {
    const a = answer('What does the harbour crane lift?', [
      chunk(
        'r',
        'Cranes of every size stand along the river, where barges once lifted grain for the mills before the new harbour opened.',
      ),
      chunk('h', 'The harbour crane lifts containers of up to 40 tonnes.'),
    ])
    assert.match(a.content, /^The harbour crane lifts containers/)
  })

  it('words that say what kind of answer is wanted ("version", "look like") need not be stated', () => {
    const docs = [
      chunk('v', 'You need Python 3.11 or newer. The tool runs on Linux and macOS.', 'Install'),
      chunk('e', 'Every error is {"message": "...", "kind": "..."} in the response body.', 'Errors'),
    ]
    assert.match(answer('Which Python version do I need?', docs).content, /^You need Python 3\.11 or newer/)
    assert.match(answer('What does an error look like?', docs).content, /^Every error is/)
  })

  it('answers "how do I …" with the numbered steps of the section its heading names', () => {
    const docs = [
      chunk(
        'n',
        '1. Create a project on the portal and copy its key.\n2. Put the key in KILN_KEY.\n3. Restart the kiln.\n\nThe kiln also has a manual mode with a dial.',
        'Kiln > Remote control for the kiln',
      ),
      chunk('o', 'Remote control needs a kiln made after 2019.', 'Kiln > Models'),
    ]
    const a = answer('How do I use remote control for the kiln?', docs)
    assert.match(
      a.content,
      /^1\. Create a project[^\n]*\n2\. Put the key in KILN_KEY[^\n]*\n3\. Restart the kiln/,
    )
    // Not asking how: the sentence that answers.
    assert.match(
      answer('Which kilns have remote control?', docs).content,
      /^Remote control needs a kiln made after 2019/,
    )
  })

  it('keeps a table row with its header', () => {
    const a = answer('What is the yearly fee for a family plan?', handbook())
    assert.match(a.content, /Plan: Family, Fee per year: 45 €/)
  })

  it('gives a table after a colon whole when that sentence answers, and one row for a row', () => {
    const store = [
      chunk(
        'cs',
        'The cold store has three rooms. Each room is kept at its own temperature:\n\n' +
          '| Fruit | Temperature |\n|---|---|\n| Apples | 2.5 °C |\n| Quinces | 0 °C |\n| Pears | -1 °C |',
        'Cold store',
      ),
      UNRELATED,
    ]
    const all = answer('What temperatures are the rooms kept at?', store).content
    for (const row of ['Fruit: Apples, Temperature: 2.5 °C', 'Quinces', 'Fruit: Pears, Temperature: -1 °C'])
      assert.ok(all.includes(row), row)
    const apples = answer('At what temperature are apples kept?', store).content
    assert.match(apples, /Fruit: Apples, Temperature: 2\.5 °C/)
    assert.doesNotMatch(apples, /Quinces|Pears/)
  })

  it('brings the list after a sentence naming the things asked for, though it ends in a full stop', () => {
    const sameSite = chunk(
      'ss',
      'Specifies the value for the `SameSite` attribute.\n\n' +
        "- `true` will set the `SameSite` attribute to `Strict`.\n- `'lax'` will set the `SameSite` attribute to `Lax`.\n\n" +
        'More information can be found in the specification.',
      'Set-Cookie object > sameSite',
    )
    const a = answer('What values can sameSite take?', [sameSite, UNRELATED]).content
    assert.match(a, /^Specifies the value for the `SameSite` attribute \[1\]\.\n- `true` .*\n- `'lax'` /)
    // A sentence that names the things itself is the answer: the list after it is not.
    const databases = chunk(
      'db',
      'rag-auth supports two databases: an embedded PGlite database and PostgreSQL.\n\n' +
        '- `PORT` (default 7860): where the server listens.\n- `DATA_DIR`: the data directory.',
      'Configuration',
    )
    assert.doesNotMatch(answer('What databases are supported?', [databases, UNRELATED]).content, /PORT/)
  })

  it('reads a bare "It" after the heading it refers to', () => {
    const a = answer('Which port does the gateway use by default?', [
      chunk('g', 'It listens on port 8443 by default and forwards to the app.', 'Handbook > Gateway'),
      UNRELATED,
    ])
    assert.match(a.content, /^Gateway: It listens on port 8443/)
  })

  it('refuses plainly, without citations, when no passage covers the key terms', () => {
    const accounts = chunk(
      'acc',
      'Register with an email and a password. Passwords have 8 to 256 characters of any kind.\n\n' +
        'A user is an administrator when their stored role is admin or their email is in ADMIN_EMAILS.\n' +
        'The server stores only the SHA-256 hash of a session token, never the token itself.',
      'Accounts and sessions',
    )
    const a = answer('How are passwords stored?', [accounts, UNRELATED])
    assert.equal(a.content, NO_CONTEXT_ANSWER)
    assert.deepEqual(a.citations, [])
    assert.equal(answer('What is the capital of Mongolia?', [accounts, UNRELATED]).citations.length, 0)
  })

  it('leads with the answering sentence, each followed by its marker', () => {
    const a = answer('Which port does the server listen on?', [DEPLOY, CONFIG, UNRELATED])
    assert.match(a.content, /^The server listens on port 7860 by default \[1\]\./)
    assert.doesNotMatch(a.content, /Bananas/)
    assert.deepEqual(
      a.citations.map((c) => [c.index, c.chunk_id]),
      [[1, 'a']],
    )
    assert.deepEqual(new Set(markersIn(a.content)), new Set(a.citations.map((c) => c.index)))
  })

  it('does not quote code as a sentence', () => {
    const a = answer('How do I run the docker image on port 7860?', [DEPLOY, CONFIG])
    assert.doesNotMatch(a.content, /docker run/)
  })

  it('numbers citations 1..n', () => {
    const a = answer('environment variables configuration port', [DEPLOY, CONFIG])
    assert.deepEqual(
      a.citations.map((c) => c.index),
      a.citations.map((_, i) => i + 1),
    )
  })

  it('leaves out sentences that share only a stray word with the question', () => {
    const a = answer('How do I change my password?', [
      chunk(
        'p',
        'Changing your password signs out every other session. You can change your password on the account page.',
      ),
      chunk('q', 'Sending identical content again changes nothing and returns the existing document.'),
    ])
    assert.deepEqual(
      a.citations.map((c) => c.chunk_id),
      ['p'],
    )
  })

  it('puts the marker after a closing quote, before a plain full stop', () => {
    const a = answer('follow-up questions secrets', [
      chunk('f', 'Follow-up questions work: "and how do I set its secrets?"'),
    ])
    assert.equal(a.content, 'Follow-up questions work: "and how do I set its secrets?" [1]')
  })

  it('refuses when no word of the question is in the passages', () => {
    assert.equal(answer('zzz qqq', [UNRELATED]).citations.length, 0)
  })

  it('does not read a word the question says as the constant that spells it (DELETE, ADMIN_EMAILS)', () => {
    const csrf = {
      ...chunk(
        'x',
        'Browser requests that change something (POST, PUT, PATCH, DELETE under /api/) are refused with 403 csrf_failed when they come from a foreign origin.',
        'Accounts and sessions > Cross-site protection',
      ),
      title: 'Accounts and sessions',
    }
    assert.equal(answer('How do I delete my own account?', [csrf, UNRELATED]).citations.length, 0)
    // Asked for as written, the constant is what the question names.
    assert.deepEqual(
      answer('What happens to a DELETE from a foreign origin?', [csrf, UNRELATED]).citations.map(
        (c) => c.chunk_id,
      ),
      ['x'],
    )
  })

  it('refuses a short question whose two key words stand far apart in the passage', () => {
    const spaces = chunk(
      'm',
      'There are three kinds of space:\n- My documents: your personal space, created with your account. Only you can read it or add to it; administrators cannot read it either. It cannot be shared, renamed or deleted.\n- Team spaces: created by any signed-in user.',
    )
    assert.equal(answer('How do I delete my own account?', [spaces, UNRELATED]).citations.length, 0)
    const settings = chunk('n', 'You can delete your own account on the settings page.')
    assert.deepEqual(
      answer('How do I delete my own account?', [spaces, settings]).citations.map((c) => c.chunk_id),
      ['n'],
    )
  })

  it('does not pad an answer with a passage elsewhere that shares none of what it answers', () => {
    const a = answer('When did Elmwick open a school by the harbour?', [
      chunk('d', 'Elmwick opened a school in 1900.'),
      chunk('w', 'The harbour is busy in summer.'),
      UNRELATED,
    ])
    assert.deepEqual(
      a.citations.map((c) => c.chunk_id),
      ['d'],
    )
  })

  it('answers what holds when something is not set from the sentence on that case', () => {
    const docs = [
      chunk(
        's',
        'With CACHE_URL set the server does not rebuild its cache at start; set REBUILD=true to force it.',
        'Cache',
      ),
      chunk(
        'c',
        '- CACHE_URL: a redis:// URL for a shared cache. Unset, the server uses an in-memory cache in each process.',
        'Settings',
      ),
    ]
    const a = answer('Which cache does the server use when CACHE_URL is not set?', docs)
    assert.match(a.content, /^- CACHE_URL: a redis:\/\/ URL .*Unset, the server uses an in-memory cache/)
    assert.deepEqual(
      a.citations.map((c) => c.chunk_id),
      ['c'],
    )
  })

  it('reads "X-free" and "Xless" as saying X is absent (the case a negated question asks for)', () => {
    const fees = [
      chunk('p', 'Every plan charges a fee each month. The Team plan charges a fee per seat.', 'Plans'),
      chunk('f', "Community plans are 'fee-free': they charge nothing.", 'Plans'),
    ]
    const a = answer('Which plans charge no fee?', fees)
    assert.equal(a.citations[0]?.chunk_id, 'f')
    assert.match(a.content, /^Community plans are 'fee-free'/)
    const links = [
      chunk('k', 'Sign in with a password and a second factor when two-factor is on.', 'Signing in'),
      chunk('l', 'Passwordless sign-in sends a one-time link by email.', 'Signing in'),
    ]
    assert.equal(answer('How do I sign in with no password?', links).citations[0]?.chunk_id, 'l')
  })

  it('a phrasal verb is not the same verb with another particle ("sign up" / "sign out", "turn off" / "turn on")', () => {
    const signing = [
      chunk('o', 'To sign out, choose Sign out in the header of any page.', 'Accounts'),
      chunk('u', 'To sign up, choose Create account on the first page.', 'Accounts'),
    ]
    assert.equal(answer('How do I sign up?', signing).citations[0]?.chunk_id, 'u')
    assert.equal(answer('How do I sign out?', signing).citations[0]?.chunk_id, 'o')
    const twoFactor = (first: string, second: string) => [
      chunk('x', `To turn ${first} two-factor sign-in, open the account page.`, 'Two-factor'),
      chunk('y', `To turn ${second} two-factor sign-in, open the account page.`, 'Two-factor'),
    ]
    assert.equal(
      answer('How do I turn off two-factor sign-in?', twoFactor('on', 'off')).citations[0]?.chunk_id,
      'y',
    )
    assert.equal(
      answer('How do I turn on two-factor sign-in?', twoFactor('off', 'on')).citations[0]?.chunk_id,
      'y',
    )
  })

  it('"What happens when X?": a sentence opening on the case X leads before one describing how to do X', () => {
    const docs = [
      chunk(
        'm',
        'An owner removes a member from the space with Remove beside them. When a member is removed, their answers stop drawing on the space at once.',
        'Members',
      ),
      UNRELATED,
    ]
    assert.match(
      answer('What happens when I remove a member from a space?', docs).content,
      /^When a member is removed, their answers stop/,
    )
  })

  it('"what happens when …" leads with what follows the case, not the instruction bringing it about', () => {
    const docs = [
      chunk(
        'k',
        'To revoke a key, choose `Revoke` beside it on the account page. A revoked key stops working on its next request.',
        'Revoking a key',
      ),
      UNRELATED,
    ]
    assert.match(answer('What happens when I revoke a key?', docs).content, /^A revoked key stops working/)
    assert.match(answer('How do I revoke a key?', docs).content, /^To revoke a key, choose/)
  })

  it('reads "add" and "create", "remove" and "delete" as one action', () => {
    const docs = [
      chunk(
        'u',
        'Operators manage accounts from the command line:\n\n```sh\nnpm run user -- create alice@example.com\n```',
        'Accounts',
      ),
      chunk('d', 'To delete a document, choose `Delete` beside it on its space page.', 'Documents'),
      UNRELATED,
    ]
    assert.match(answer('How do I add a user from the command line?', docs).content, /npm run user -- create/)
    assert.match(answer('How do I remove a document?', docs).content, /^To delete a document, choose/)
  })

  it('answers a yes-or-no question from a FAQ\'s entry with its "Yes.", and nothing from other entries', () => {
    const faq = (id: string, heading: string, content: string) => ({
      ...chunk(id, content, `zlib FAQ > ${heading}`),
      title: 'zlib FAQ',
      plain: true,
    })
    const docs = [
      faq(
        't',
        '21. Is zlib thread-safe?',
        'Yes. However any library routines that zlib uses must also be thread-safe.',
      ),
      faq('c', '22. Can I use zlib in my commercial application?', 'Yes. Please read the license in zlib.h.'),
      faq(
        's',
        '17. Why this error on Solaris?',
        'You must recompile applications using zlib which have this problem.',
      ),
    ]
    assert.match(answer('Is zlib thread-safe?', docs).content, /^Yes \[1\]\. However any library routines/)
    // As retrieval hands them over: "commercial" is stored for the entry, under its heading.
    const terms: [string, number, number][] = [
      ['use', 0.3, 10],
      ['zlib', 0.5, 8],
      ['commerci', 2.5, 1],
      ['applic', 1.4, 3],
    ]
    const stored = [
      analysed(docs[1] as RetrievedChunk, terms, [['yes'], ['pleas', 'read', 'licens', 'zlib.h']]),
      analysed(docs[2] as RetrievedChunk, terms, [['must', 'recompil', 'applic', 'use', 'zlib', 'problem']]),
    ]
    const commercial = answer('Can I use zlib in a commercial application?', stored)
    assert.match(commercial.content, /^Yes \[1\]\. Please read the license in zlib\.h \[1\]\.$/)
    assert.equal(commercial.citations.length, 1)
  })

  it('"What is X?" reads a section of its own on X before the document\'s first lines', () => {
    const readme = (id: string, heading: string | null, content: string) => ({
      ...chunk(id, content, heading),
      title: 'Redis',
      lead: id === 'r0',
    })
    const docs = [
      readme('r0', null, 'This README is just a fast quick start document. You can find more at redis.io.'),
      readme('r1', 'What is Redis?', 'Redis is often referred to as a data structures server.'),
    ]
    assert.match(
      answer('What is Redis?', docs).content,
      /^Redis is often referred to as a data structures server/,
    )
    assert.match(answer('What is Redis?', [docs[0] as RetrievedChunk]).content, /^This README is just/)
    // Its section's number aside.
    const numbered = [
      docs[0] as RetrievedChunk,
      { ...(docs[1] as RetrievedChunk), heading: '1 What is Redis?' },
    ]
    assert.match(answer('What is Redis?', numbered).content, /^Redis is often referred to/)
  })

  it('does not answer with the instruction for doing the asked thing to something else', () => {
    const docs = [
      chunk(
        'k',
        'To create an API key, open the account page and choose `Create key`.',
        'Creating an API key',
      ),
      chunk(
        's',
        'To sign up, open `/sign-up`, enter your email and a password and choose `Create account`.',
        'Signing up',
      ),
      chunk('d', 'To delete a document, choose `Delete` beside it (editors and owners).', 'Deleting'),
      chunk('u', 'To update, stop the server, get the new version and start it again.', 'Updating'),
    ]
    assert.match(answer('How do I create an account?', docs).content, /^To sign up, open/)
    assert.match(answer('How do I create an API key?', docs).content, /^To create an API key/)
    assert.equal(answer('Can an editor delete the space?', docs).citations.length, 0)
    // A purpose naming no thing ("To update, …") is not about another one.
    assert.match(answer('How do I update to a new version?', docs).content, /^To update, stop the server/)
  })

  it('reads "frontend" and "UI" as one thing', () => {
    const docs = [
      chunk('v', 'To host the UI on Vercel, use `deploy/vercel/vercel.json`.', 'A separate UI'),
      chunk(
        't',
        'Every user is rate limited together: TRUST_PROXY must be 2 behind Vercel and the Space.',
        'Troubleshooting',
      ),
    ]
    assert.match(answer('How do I deploy the frontend to Vercel?', docs).content, /^To host the UI on Vercel/)
  })

  it('refuses rather than answer with the other action ("turn on" for "How do I turn off …?")', () => {
    const docs = [
      chunk('v', 'To turn on verbose logging, which is off by default, pass `verbose: true`.', 'Logging'),
    ]
    assert.equal(answer('How do I turn off logging?', docs).citations.length, 0)
    assert.equal(answer('How do I turn on verbose logging?', docs).citations.length, 1)
  })

  it('"How do I X?": an instruction whose purpose is X leads before an instruction for something else', () => {
    const docs = [
      chunk('a', 'Run `npm run user -- create <email>` when sign-up is closed.', 'Operators'),
      chunk('b', 'To sign up, choose `Create account` on the first page.', 'Accounts'),
    ]
    assert.equal(answer('How do I sign up?', docs).citations[0]?.chunk_id, 'b')
    // Both purposes name the task; the one that also names what it is done to leads.
    const deleting = [
      chunk(
        'acct',
        'To delete your account, choose `Delete account`: your personal space goes with it.',
        'Account',
      ),
      chunk('team', 'To delete a team space, open its page and choose `Delete space`.', 'Spaces'),
    ]
    assert.equal(answer('How do I delete a space?', deleting).citations[0]?.chunk_id, 'team')
  })

  it('an enumeration asked for: the sentence announcing it leads, and the announced sentences follow it', () => {
    const roles = [
      chunk(
        'p',
        'Members see the picker. A member chooses spaces on the chat. Each member keeps a role.',
        'Picker',
      ),
      chunk(
        'r',
        'A member of a team has one of three roles. A viewer reads. An editor also uploads. An owner also manages members. Owners are listed first.',
        'Roles',
      ),
    ]
    const a = answer('What roles can a team member have?', roles)
    assert.equal(a.citations[0]?.chunk_id, 'r')
    assert.match(
      a.content,
      /three roles \[1\]\. A viewer reads \[1\]\. An editor also uploads \[1\]\. An owner also manages members \[1\]\./,
    )
    assert.doesNotMatch(a.content, /listed first/)
    const kinds = [
      chunk('a', 'Access to a space is checked on every question.', 'Access'),
      chunk(
        'k',
        'There are two kinds of space:\n- Personal: yours alone.\n- Team: shared with members.',
        'Spaces',
      ),
    ]
    assert.equal(answer('What kinds of space are there?', kinds).citations[0]?.chunk_id, 'k')
  })

  it('a preposition the documents say otherwise ("inside" / "in") is not a key term', () => {
    const a = answer('Sign-in does not work inside the iframe, what should I check?', [
      chunk(
        'u',
        'Sign-in works on the site but not in the iframe: keep the cookie partitioned.',
        'Troubleshooting',
      ),
      UNRELATED,
      CONFIG,
    ])
    assert.match(a.content, /^Sign-in works on the site but not in the iframe/)
  })

  it('answers "which Xs …" with the opening of the section whose heading names the Xs', () => {
    const a = answer('Which image formats can I upload?', [
      chunk('w', 'Upload an image with the form; its format is detected from the file.', 'Ways in'),
      chunk('s', 'PNG, JPEG and WebP. Animated images keep their first frame.', 'Supported formats'),
      UNRELATED,
    ])
    assert.match(a.content, /^PNG, JPEG and WebP \[1\]\./)
    assert.equal(a.citations[0]?.chunk_id, 's')
  })

  it('answers "how do I … with <tool>" with the command a section named for it opens with', () => {
    const search = chunk(
      'q',
      '```bash\ncurl -s "http://localhost:7860/api/search?q=cats" -H "Authorization: Bearer $TOKEN"\n```\n\nq is 1 to 1000 characters and k from 1 to 100.',
      'Search the knowledge base',
    )
    const a = answer('How do I search the knowledge base with curl?', [search, CONFIG, UNRELATED])
    assert.equal(
      a.content,
      '`curl -s "http://localhost:7860/api/search?q=cats" -H "Authorization: Bearer $TOKEN"` [1]',
    )
    // A command the section does not open with, or one its heading does not name, is not quoted.
    assert.doesNotMatch(
      answer('How do I run the docker image on port 7860?', [DEPLOY, CONFIG]).content,
      /docker run/,
    )
  })

  it('follows a sentence naming the things asked for in general with a list of them', () => {
    const a = answer('Which command-line flags can I pass?', [
      chunk('g', 'All behaviour is set by command-line flags. Unknown ones stop the tool.', 'Usage'),
      chunk(
        'l',
        'Set these flags when running the tool:\n- --verbose: print every step\n- --dry-run: change nothing',
        'Options',
      ),
      UNRELATED,
    ])
    assert.match(a.content, /^All behaviour is set by command-line flags \[1\]\./)
    assert.match(a.content, /- --verbose: print every step \[2\]/)
    assert.match(a.content, /- --dry-run: change nothing \[2\]/)
  })

  it('answers "can I …" with the caveat that follows on its main subject', () => {
    const a = answer('Can I use the pooled connection string?', [
      chunk(
        'p',
        'The server keeps a pool of 10 connections, so the direct string suits a few instances. The pooled string does not keep advisory locks: start instances one at a time. Backups run nightly.',
        'Database',
      ),
      chunk(
        'c',
        'Copy the connection string from the dashboard. Each connection string starts with postgres://.',
      ),
      UNRELATED,
    ])
    assert.match(a.content, /The pooled string does not keep advisory locks/)
    assert.doesNotMatch(a.content, /Backups/)
  })

  it("weighs a question word whose stem drops many letters as the question's own, not as borrowed", () => {
    const analysed = (lexemes: string[]): RetrievedChunk => ({
      ...chunk('d', 'Deforestation declined.'),
      analysis: { queryTerms: lexemes.map((lexeme) => ({ lexeme, idf: 3, df: 1 })), sentenceLexemes: null },
    })
    const q = 'How did deforestation using satellites change?'
    const own = questionTerms(q, q, [analysed(['deforest', 'use', 'satellit'])], true, [])
    assert.deepEqual(
      own.map((t) => [t.lexeme, t.own]),
      [
        ['deforest', true],
        ['use', true],
        ['satellit', true],
      ],
    )
    assert.equal(own[0]?.weight, 3)
    // In a follow-up, the words of the earlier turn stay borrowed.
    const follow = 'And its secrets?'
    const query = `How do I deploy to Hugging Face?\n${follow}`
    const terms = questionTerms(follow, query, [analysed(['deploy', 'secret'])], true, [])
    assert.deepEqual(
      terms.map((t) => [t.lexeme, t.own]),
      [
        ['deploy', false],
        ['secret', true],
      ],
    )
  })

  it('a question word another step of the leading numbered list states counts as named, as by a heading', () => {
    const steps = chunk(
      'm',
      `1. Your question is matched against the knowledge base with BM25 lexical search.
2. If nothing relevant is found, the answer says so plainly.
3. Every marker is checked against the passages that retrieval found.`,
      'How answers are made',
    )
    const deleting = chunk('x', 'Deleting a document removes its search entries at once.', 'Deleting')
    const floor = chunk('f', 'Retrieval has a relevance floor. Retrieval runs in your spaces only.', 'Floor')
    const a = answer('What kind of search does retrieval use?', [steps, deleting, floor, UNRELATED])
    assert.match(a.content, /BM25 lexical search/)
    assert.deepEqual(
      a.citations.map((c) => c.chunk_id),
      ['m'],
    )
    // Nor from the items of a bulleted list: things side by side, one item's word says nothing of another.
    const vars = chunk(
      'v',
      `- REDIS_URL: a shared rate-limit store for several instances.
- SMTP_URL: the mail server that sends reset links.
- SECRET_KEY: a random pepper for session hashes.`,
      'Variables',
    )
    const sessions = chunk('n', 'Sessions last seven days. Tokens are random.')
    assert.equal(answer('Is the pepper sent by mail?', [vars, sessions, UNRELATED]).citations.length, 0)
    // Not from sentences of one paragraph: they are not the parts of one thing.
    const prose = chunk(
      'p',
      'Your question is matched with BM25 lexical search. If nothing is found, it says so. Markers are checked against the passages retrieval found.',
    )
    assert.equal(
      answer('What kind of search does retrieval use?', [prose, floor, UNRELATED]).citations.length,
      0,
    )
  })

  it("reads a paragraph's later sentences as speaking of the subject its opening sentence names", () => {
    const rankine = chunk(
      'r',
      'The Rankine cycle is the thermodynamic basis of the steam engine. The heat is supplied externally to a closed loop and the waste heat is removed in a condenser. The Rankine cycle is used in virtually all steam power plants.',
    )
    const other = chunk(
      'o',
      'Waste heat from engines can warm buildings. Steam engines were improved by Watt.',
    )
    const a = answer('What happens to waste heat in the Rankine cycle?', [rankine, other, UNRELATED])
    assert.match(a.content, /^The heat is supplied externally .* removed in a condenser \[1\]\./)
  })

  it('answers "how …" with the sentences that go on of the same subject', () => {
    const play = chunk(
      'a',
      'One of the oldest depictions of civil disobedience is the play Antigone, in which Antigone defies the king. She gives a stirring speech in which she tells him that she must obey her conscience. The play was first staged in Athens.',
    )
    const other = chunk(
      'o',
      'Civil disobedience was later described by Thoreau. Gandhi practised it in India.',
    )
    const a = answer('How was civil disobedience shown in Antigone?', [play, other, UNRELATED])
    assert.match(a.content, /defies the king \[1\]\. She gives a stirring speech .* conscience \[1\]\./)
    assert.doesNotMatch(a.content, /Athens/)
    // Not for a question asking for a thing of one kind: the sentence after it is padding.
    const who = answer('Who did Antigone defy in the play about civil disobedience?', [
      play,
      other,
      UNRELATED,
    ])
    assert.doesNotMatch(who.content, /stirring speech/)
  })

  it('keeps the sentence a leading one points back to ("The result was …", "In his speech …")', () => {
    const money = chunk(
      'm',
      'The treaty ended in 1971. Anticipating unrest, the banks expanded the money supply far beyond need. The result was a depreciation of the currency. Trade slowed.',
    )
    const other = chunk('o', 'A currency is a system of money. Depreciation lowers the value of an asset.')
    const why = answer('Why was there a depreciation of the currency?', [money, other, UNRELATED])
    assert.match(
      why.content,
      /^Anticipating unrest, the banks expanded .* \[1\]\. The result was a depreciation/,
    )
    const era = chunk(
      'e',
      'In the late 1950s the new leader Nikita Khrushchev changed the course of the country. In his speech at the conference in 1960, he announced a new policy.',
    )
    const who = answer('Who announced a new policy at the conference in 1960?', [era, other, UNRELATED])
    assert.match(who.content, /Khrushchev/)
    const jail = chunk(
      'j',
      'Zinn writes that protesters may choose to go to jail as a way of reminding their countrymen of injustice. But that is different from the notion that they must go to jail as part of a rule of civil disobedience.',
    )
    const goal = answer('Going to jail is what part of a rule of civil disobedience?', [
      jail,
      other,
      UNRELATED,
    ])
    assert.match(goal.content, /^Zinn writes .* injustice \[1\]\. But that is different/)
    const drop = chunk(
      'd',
      'In the early 1950s, student applications declined because of rising crime nearby. In response, the university became a major sponsor of an urban renewal project.',
    )
    const year = answer('What did the university sponsor in response?', [drop, other, UNRELATED])
    assert.match(year.content, /^In the early 1950s, student applications declined/)
  })

  it('refuses when the passage says another of a few choices than the question (second / third)', () => {
    const officer = chunk(
      'o',
      'The Presiding Officer tries to achieve a balance between different viewpoints and political parties when selecting members to speak.',
    )
    const flow = chunk(
      'f',
      'The accumulating water broke through the Purus Arch, joining the easterly flow toward the Atlantic.',
    )
    const sky = chunk('s', 'To view the encrypted content a VideoGuard equipped receiver needs to be used.')
    const combs = chunk(
      'c',
      'The outer surface of a ctenophore bears usually eight comb rows, called swimming-plates.',
    )
    const all = [officer, flow, sky, combs, UNRELATED]
    for (const q of [
      'The Presiding Officer tries to achieve a balance between similar viewpoints and whom?',
      'What did the water join when it broke through the Purus Arch toward the westward flow?',
      'What does a receiver have to be equipped with to view unencrypted content?',
      'How many comb rows does the inner surface of a ctenophore bear?',
    ])
      assert.equal(answer(q, all).citations.length, 0, q)
    for (const q of [
      'The Presiding Officer tries to achieve a balance between different viewpoints and whom?',
      'What did the water join when it broke through the Purus Arch toward the eastern flow?',
      'What does a receiver have to be equipped with to view encrypted content?',
      'How many comb rows does the outer surface of a ctenophore bear?',
    ])
      assert.equal(answer(q, all).citations.length, 1, q)
    // "at least" is an idiom, not the opposite of "most".
    const password = chunk('p', 'User passwords are accepted when they are at least 8 characters long.')
    const sessions = chunk('n', 'Sessions last seven days. Tokens are random.')
    assert.match(
      answer('How long must most user passwords be?', [password, sessions, UNRELATED]).content,
      /at least 8/,
    )
    // Nor is "second" as a unit of time, nor "last" the verb.
    const lock = chunk('l', 'A lock after failed sign-ins lasts one second per failed attempt.')
    const lasts = answer('How long does a lock after failed sign-ins last?', [lock, sessions, UNRELATED])
    assert.match(lasts.content, /one second/)
    // Nor a direction inside a name ("North Africa").
    const plague = chunk(
      'a',
      'Alexandria lies in North Africa. By autumn 1347 the plague had reached Alexandria from the south.',
    )
    const when = answer('When did the plague reach Alexandria in North Africa?', [
      plague,
      sessions,
      UNRELATED,
    ])
    assert.match(when.content, /1347/)
  })

  it('reads a word sharing its root with a question word as stating it (develped / developed, richer / richest)', () => {
    const forces = chunk(
      'f',
      'By the early 20th century, Einstein developed a theory of relativity that predicted the action of forces.',
    )
    const wealth = chunk(
      'w',
      'The top 400 richest Americans have more wealth than half of all Americans combined.',
    )
    const other = chunk('o', 'Newton formulated laws of motion. A theory explains what is observed.')
    const all = [forces, wealth, other, UNRELATED]
    assert.match(
      answer('Who develped the theory of relativity?', all).content,
      /^By the early 20th century, Einstein/,
    )
    assert.match(
      answer('How many Americans are richer than half of all Americans?', all).content,
      /top 400 richest/,
    )
  })

  it('of two sentences of a paragraph that answer alike, the earlier leads', () => {
    const medicine = chunk(
      'm',
      'Western medicine was also practiced in China, where it was sometimes labeled as huihui or Muslim medicine. The physician Jesus founded the Office of Western Medicine in 1263. Huihui doctors staffed two imperial hospitals.',
    )
    const a = answer('What was huihui?', [medicine, UNRELATED])
    assert.match(a.content, /^Western medicine was also practiced .* Muslim medicine \[1\]\.$/)
  })

  it('does not read two items of a list as one answer split over them', () => {
    const cookies = chunk(
      'a',
      'Sign-in fails in the iframe when the browser blocks third-party cookies.',
      'Cookies',
    )
    const trouble = chunk(
      'b',
      `- Sign-in fails on hf.space: clear the site's cookies.
- Uploads hang: check the size limit.`,
      'Troubleshooting',
    )
    const a = answer('Sign-in fails in the iframe, what should I check?', [cookies, trouble, UNRELATED])
    assert.match(
      a.content,
      /^Sign-in fails in the iframe when the browser blocks third-party cookies \[1\]\.$/,
    )
  })

  it('refuses when the passage denies what the question takes as true ("not found" for "found")', () => {
    const tumors = chunk(
      't',
      'The transformed cells of tumors express antigens that are not found on normal cells.',
    )
    const other = chunk('o', 'Normal cells divide in a regulated way. Antigens trigger an immune response.')
    const all = [tumors, other, UNRELATED]
    assert.equal(
      answer('What do tumors express that are also found on normal cells?', all).citations.length,
      0,
    )
    assert.match(
      answer('What do tumors express that are not found on normal cells?', all).content,
      /antigens/,
    )
    // "no" negates the head of its noun phrase, not the words before it.
    const revoke = chunk(
      'r',
      'Revoking a session takes effect on the very next request, because there is no session cache.',
    )
    assert.equal(
      answer('When does revoking a session take effect?', [revoke, other, UNRELATED]).citations.length,
      1,
    )
  })

  it('reads a year the question names as that year, not its decade', () => {
    const bars = chunk('b', 'Oxygen bars have been found in Japan and California since the late 1990s.')
    const storm = chunk(
      's',
      "Jacksonville suffered damage from 2008's Tropical Storm Fay, with power cuts for four days.",
    )
    const all = [bars, storm, UNRELATED]
    assert.equal(answer('Where have oxygen bars been found since 1990?', all).citations.length, 0)
    assert.equal(answer('Where have oxygen bars been found since the 1990s?', all).citations.length, 1)
    assert.match(answer('What did Jacksonville suffer from in 2008?', all).content, /Storm Fay/)
  })

  it('refuses when the missing heaviest word outweighs all the leading passage covers', () => {
    const signup = chunk('s', 'Register with an email and a password.')
    const signin = chunk('i', 'Sign in with the same email and password.')
    const asked = answer('How do I reset my password by email?', [signup, signin, UNRELATED, CONFIG])
    assert.equal(asked.citations.length, 0)
    const reset = chunk('r', 'To reset your password, ask for a reset link by email.')
    assert.deepEqual(
      answer('How do I reset my password by email?', [signup, reset]).citations.map((c) => c.chunk_id),
      ['r'],
    )
  })

  it('leads a "how do I" answer with an instruction that states more of the question', () => {
    const formats = {
      ...chunk('f', 'Spreadsheet files are read one sheet at a time.', 'Supported formats'),
      title: 'Importing data',
    }
    const ways = chunk(
      'w',
      'Data is added by admins. Two ways:\n\n- In the browser: open the data page and press Add.\n- From a laptop: `npm run import -- ./sheets` imports a folder of spreadsheets.',
      'Add data',
    )
    const asked = answer('How do I import spreadsheets?', [formats, ways, UNRELATED])
    assert.equal(asked.citations[0]?.chunk_id, 'w', asked.content)
    assert.match(asked.content, /^Data is added by admins \[1\]\. Two ways \[1\]:\n- In the browser/)
    // Not an instruction covering less: the description stays.
    const other = chunk('o', 'To export data, run `npm run export`.', 'Export')
    assert.equal(answer('How do I import spreadsheets?', [formats, other]).citations[0]?.chunk_id, 'f')
  })

  it('reads a heading word that stemming cuts short as naming the question word', () => {
    // Postgres stems "administrators" to administr: five letters dropped.
    const content =
      'Operators manage roles from the command line:\n\n```bash\nnpm run user -- promote alice@example.com\n```'
    const sentenceLexemes = [
      ['oper', 'manag', 'role', 'command', 'line'],
      ['npm', 'run', 'user', 'promot', 'alice@example.com'],
    ]
    assert.equal(readSentencesOf(content).filter((s) => s.text).length, sentenceLexemes.length)
    const admins = analysed(
      chunk('a', content, 'Administrators'),
      [
        ['promot', 3.6, 1],
        ['user', 1.2, 5],
        ['administr', 1.9, 3],
      ],
      sentenceLexemes,
    )
    const asked = answer('How do I promote a user to administrator?', [admins])
    assert.equal(asked.citations.length, 1, asked.content)
    assert.match(
      asked.content,
      /^Operators manage roles from the command line \[1\]:\n`npm run user -- promote/,
    )
  })

  it('counts a hyphenated word once against a heavier word the passage lacks ("Does rag-auth need a GPU?")', () => {
    const product = (extra: [string, number, number]) =>
      analysed(
        chunk('m', 'The model rag-auth searches every space you can read.', 'Models'),
        [['rag-auth', 1.95, 8], ['rag', 1.95, 8], ['auth', 1.78, 9], extra],
        [['model', 'rag-auth', 'rag', 'auth', 'search', 'everi', 'space', 'read']],
      )
    assert.equal(answer('Does rag-auth need a GPU?', [product(['gpu', 5, 0])]).citations.length, 0)
    // The same passage answers a question whose heaviest word it holds.
    const asked = answer('Which model does rag-auth search with?', [product(['model', 2.5, 3])])
    assert.equal(asked.citations.length, 1, asked.content)
  })

  it("leaves out another document's passage that shares none of the names the lead states", () => {
    const premier = chunk(
      'p',
      'The Premier of Victoria is the public face of government and, with cabinet, sets the agenda.',
    )
    const union = chunk('u', 'The legislative agenda of the Union is set by the Commission.')
    const asked = answer('Who sets the legislative agenda in Victoria?', [premier, union, UNRELATED])
    assert.deepEqual(
      asked.citations.map((c) => c.chunk_id),
      ['p'],
      asked.content,
    )
    // Sharing a name, it may follow.
    const state = chunk('s', 'In Victoria the legislative council reviews bills.')
    const both = answer('Who sets the legislative agenda in Victoria?', [premier, state, UNRELATED])
    assert.deepEqual(
      both.citations.map((c) => c.chunk_id),
      ['p', 's'],
      both.content,
    )
  })

  it("does not add up words scattered over a list's items", () => {
    const secrets = chunk(
      's',
      "Set these in the settings:\n\n- `LLM_API_KEY`: the language model provider's secret.\n- `ADMIN_PASSWORD`: there is no shell for `npm run user -- create`, so the server makes the account.\n- `SIGNUP`: open or closed.",
      'Secrets',
    )
    assert.equal(answer('How do I create an API key?', [secrets, UNRELATED]).citations.length, 0)
  })

  it("reads a heading's -ing form that drops the final e as naming the word", () => {
    const content = 'An owner adds a person on the page with Add member.'
    const sharing: RetrievedChunk = {
      ...chunk('s', content, 'Sharing a space with colleagues'),
      analysis: {
        queryTerms: [
          { lexeme: 'colleagu', idf: 3.6, df: 1 },
          { lexeme: 'share', idf: 1.7, df: 4 },
          { lexeme: 'space', idf: 1.1, df: 9 },
        ],
        sentenceLexemes: [['owner', 'add', 'person', 'page', 'member']],
      },
    }
    assert.equal(answer('How do I share a space with a colleague?', [sharing]).citations.length, 1)
  })

  it('refuses "how do I X" when the leading passage never names X, not even in a heading', () => {
    const terms = [
      { lexeme: 'api', idf: 1.1, df: 6 },
      { lexeme: 'creat', idf: 1.9, df: 3 },
      { lexeme: 'key', idf: 1.6, df: 4 },
    ]
    const deletion: RetrievedChunk = {
      ...chunk(
        'd',
        'To delete your own account, choose Delete account: your sessions, API keys and chats go with it.',
      ),
      analysis: {
        queryTerms: terms,
        sentenceLexemes: [['delet', 'account', 'choos', 'session', 'api', 'key', 'chat', 'go']],
      },
    }
    assert.equal(answer('How do I create an API key?', [deletion]).citations.length, 0)
    // A heading naming the task is enough.
    const keys: RetrievedChunk = {
      ...chunk('k', 'Choose New key on the account page; the API key is shown once.', 'Creating API keys'),
      analysis: {
        queryTerms: terms,
        sentenceLexemes: [['choos', 'new', 'key', 'account', 'page', 'api', 'shown']],
      },
    }
    assert.equal(answer('How do I create an API key?', [keys]).citations.length, 1)
  })

  it('reads a command the sources write as code and the question names as an identifier', () => {
    // The title lends "ingest" to the reembed sentence, which also says "run" and "server".
    const reembed = {
      ...chunk('r', 'While the server runs, use `npm run reembed` to embed every chunk again.'),
      title: 'Ingesting documents',
    }
    const lock = chunk(
      'l',
      'The server holds a lock file; a tool such as `npm run ingest` that finds the lock held exits with an error.',
    )
    const asked = answer('Can I use npm run ingest while the server runs?', [reembed, lock, UNRELATED])
    assert.equal(asked.citations[0]?.chunk_id, 'l', asked.content)
  })

  it('adds no passage of another document for words the leading section says in another sentence', () => {
    // The weights are the demo corpus's (idf, df over its chunks).
    const terms: [string, number, number][] = [
      ['client', 2.64, 3],
      ['model', 1.99, 7],
      ['name', 1.9, 8],
      ['openai', 2.09, 6],
      ['pass', 2.64, 3],
    ]
    const api = analysed(
      chunk(
        'o',
        'The OpenAI-compatible endpoint is `/v1/chat/completions`: any OpenAI client can ask questions of your documents. Pass the model name `rag-auth` to search every space you can read.',
        'The OpenAI-compatible API',
      ),
      terms,
      [
        ['openai', 'client'],
        ['pass', 'model', 'name'],
      ],
    )
    const about = analysed(
      chunk(
        'p',
        'People ask questions in a chat, over the HTTP API or from any OpenAI client; every claim carries a citation. It works without an internet connection: with no language model configured it answers offline.',
      ),
      terms,
      [['openai', 'client'], ['model']],
    )
    const out = answer('What model name do I pass to the OpenAI client?', [api, about])
    assert.match(out.content, /^Pass the model name `rag-auth`/)
    assert.deepEqual(
      out.citations.map((c) => c.chunk_id),
      ['o'],
    )
  })

  it('a page label that the titles use as plain words is no command the answer must name', () => {
    // `API keys` labels a part of the account page, and "API keys" is also what the page is about:
    // the sentence saying whether keys expire answers, not the steps that show the label.
    const title = 'API keys and the OpenAI API'
    const create = {
      ...chunk(
        'c',
        'To create an API key, open the account page (`/account`), go to `API keys`, enter a `Key name` (what uses it, such as "CI job"), choose whether it may make changes and when it expires, enter your `Current password` and choose `Create key`.',
        'Creating an API key',
      ),
      title,
    }
    const revoke = {
      ...chunk(
        'r',
        'To revoke an API key, choose `Revoke` beside it on the account page. A key never expires unless you chose an expiry (1 to 365 days) when you created it.',
        'Revoking a key',
      ),
      title,
    }
    assert.match(answer('Do API keys expire?', [create, revoke, UNRELATED]).content, /^A key never expires/)
  })

  it('a plural written as a name is not stated by the common noun ("Windows" is not "the window")', () => {
    const lockout = chunk(
      'l',
      'After 5 failed attempts within 15 minutes, you can sign in again once the window passes.',
      'Signing in',
    )
    assert.equal(answer('How do I sign in on Windows?', [lockout, UNRELATED]).citations.length, 0)
    const platforms = chunk('p', 'You sign in the same way on Linux, macOS and Windows.', 'Platforms')
    assert.equal(answer('How do I sign in on Windows?', [platforms, UNRELATED]).citations[0]?.chunk_id, 'p')
    // The same word in another case still states it ("Islands" / "islands").
    const islands = chunk('i', 'The Canarian islands of Lanzarote and El Hierro lie off the coast of Africa.')
    assert.equal(
      answer('What continent are the Canarian Islands off the coast of?', [islands, UNRELATED]).citations[0]
        ?.chunk_id,
      'i',
    )
  })

  it('a yes-or-no question about a thing no document names is not answered from its other words', () => {
    const databases = (extra: [string, number, number]) =>
      analysed(
        chunk('d', 'The server supports two databases: PGlite and PostgreSQL.', 'Databases'),
        [['server', 2.2, 4], ['support', 3.05, 2], extra],
        [['server', 'support', 'two', 'databas', 'pglite', 'postgresql']],
      )
    assert.equal(answer('Does the server support LDAP?', [databases(['ldap', 5, 0])]).citations.length, 0)
    // About a thing the documents name, the same passage answers.
    const asked = answer('Does the server support PostgreSQL?', [databases(['postgresql', 2.5, 3])])
    assert.equal(asked.citations[0]?.chunk_id, 'd', asked.content)
  })

  it('"What are X?": a sentence saying X are a number of things defines them', () => {
    const twoFactor = chunk(
      't',
      'Recovery codes are ten one-time codes for signing in without your app. Each works once.\n' +
        '`New recovery codes` on the account page replaces them all.',
      'Two-factor sign-in',
    )
    const a = answer('What are recovery codes?', [twoFactor, UNRELATED])
    assert.match(a.content, /^Recovery codes are ten one-time codes/, a.content)
  })

  it('a yes-or-no question is answered about its subject, not from a passage sharing its other words', () => {
    const formats = chunk(
      'f',
      'You can upload Markdown (`.md`), plain text (`.txt`), HTML and PDF.',
      'Supported formats',
    )
    const passwords = chunk(
      'p',
      'Passwords are never stored as such: the server stores only an Argon2id hash of each password.',
      'Signing in',
    )
    const a = answer('Is my password stored in plain text?', [formats, passwords, UNRELATED])
    assert.notEqual(a.citations[0]?.chunk_id, 'f', a.content)
    // The same passage answers a question about its own subject.
    assert.equal(
      answer('Can I upload plain text?', [formats, passwords, UNRELATED]).citations[0]?.chunk_id,
      'f',
    )
  })

  it('"Who can …?" is answered by the role allowed to, as "Who …?" is by a name', () => {
    const invite = chunk(
      'i',
      'To invite a colleague to a space, open its page, enter their `Member email` and choose `Add member`.',
      'Sharing a space',
    )
    const roles = chunk(
      'r',
      'An owner can also rename the space, add and remove members, and delete the space.',
      'Roles',
    )
    const a = answer('Who can add members to a space?', [invite, roles, UNRELATED])
    assert.equal(a.citations[0]?.chunk_id, 'r', a.content)
  })

  it('a passage covering more of the question leads when the better-ranked one leaves its specifics unstated', () => {
    // The question's lexemes with their idf in a corpus of 411 paragraphs (SQuAD 2.0 dev).
    const terms: [string, number, number][] = [
      ['privat', 3.68, 10],
      ['school', 2.91, 22],
      ['charg', 4.16, 6],
      ['tuition', 4.78, 3],
    ]
    const efficient = analysed(
      chunk('e', 'Private schools have proven to be efficient in resource utilization.'),
      terms,
      [['privat', 'school', 'proven', 'effici', 'resourc', 'util']],
    )
    const fees = analysed(
      chunk(
        'f',
        "Annual tuition fees at schools range from nothing at so called 'tuition-free' schools to more than $45,000 at several preparatory schools.",
      ),
      terms,
      [
        [
          'annual',
          'tuition',
          'fee',
          'school',
          'rang',
          'noth',
          'call',
          'tuition-fre',
          'fre',
          '45',
          '000',
          'sever',
          'preparatori',
        ],
      ],
    )
    const a = answer('What are private schools that charge no tuition called?', [efficient, fees])
    assert.equal(a.citations[0]?.chunk_id, 'f', a.content)
    assert.match(a.content, /tuition-free/)
    // One covering less is no answer: the question's number is stated only by a passage about
    // something else.
    const oxygen: [string, number, number][] = [
      ['1990', 4.16, 6],
      ['bar', 5.11, 2],
      ['oxygen', 3.5, 12],
      ['sinc', 2.3, 40],
    ]
    const bars = analysed(
      chunk(
        'b',
        'Oxygen bars are establishments, found in Japan and California since the late 1990s, that offer oxygen for a fee.',
      ),
      oxygen,
      [
        [
          'oxygen',
          'bar',
          'establish',
          'found',
          'japan',
          'california',
          'sinc',
          'late',
          '1990s',
          'offer',
          'fee',
        ],
      ],
    )
    const metal = analysed(
      chunk('m', 'A metallic phase was discovered in 1990 when solid oxygen is put under pressure.'),
      oxygen,
      [['metal', 'phase', 'discov', '1990', 'solid', 'oxygen', 'put', 'pressur']],
    )
    const refused = answer('Where have oxygen bars been since 1990?', [bars, metal])
    assert.equal(refused.content, NO_CONTEXT_ANSWER, refused.content)
  })

  it("reads a plain document's lines as written, not as Markdown", () => {
    const content =
      '# of pickers: 12 in the orchard, paid <rate> a crate.\n\n| Pressing costs 4 euros a crate.'
    const lexemes = [
      ['picker', '12', 'orchard', 'paid', 'rate', 'crate'],
      ['press', 'cost', '4', 'euro', 'crate'],
    ]
    const asked = (question: string, terms: [string, number, number][], plain: boolean) =>
      answer(question, [{ ...analysed(chunk('t', content), terms, lexemes), plain }])
    const pickers: [string, number, number][] = [
      ['mani', 0.7, 30],
      ['picker', 4.2, 1],
      ['orchard', 3.9, 2],
    ]
    assert.equal(
      asked('How many pickers are in the orchard?', pickers, true).content,
      '# of pickers: 12 in the orchard, paid <rate> a crate [1].',
    )
    const pressing: [string, number, number][] = [
      ['much', 0.9, 20],
      ['press', 4.2, 1],
      ['cost', 2.5, 5],
    ]
    assert.equal(
      asked('How much does pressing cost?', pressing, true).content,
      '| Pressing costs 4 euros a crate [1].',
    )
    // Read as Markdown, the first line is a heading: nothing that answers.
    assert.equal(asked('How many pickers are in the orchard?', pickers, false).content, NO_CONTEXT_ANSWER)
  })

  it('"What is it called …?" takes the sentence that names what the leading one describes', () => {
    const bail = chunk(
      'b',
      'In modern times, some activists collectively refuse to sign bail until certain demands are met. This is a form of jail solidarity.[page needed] There have also been many instances of solitary civil disobedience.',
    )
    const a = answer('What is it called when activists collectively refuse to sign bail?', [bail])
    assert.match(a.content, /refuse to sign bail .*\[1\]\. This is a form of jail solidarity \[1\]\.$/)
    // Asked what they do, not what it is called, the naming sentence is not needed.
    const what = answer('What do some activists collectively refuse to sign?', [bail])
    assert.doesNotMatch(what.content, /solidarity/)
    const routing = chunk(
      'r',
      'In 1965, Donald Davies independently developed the same message routing methodology as Baran. He called it packet switching, a more accessible name. He gave a talk on it in 1966.',
    )
    const called = answer('What did Donald Davies call the message routing methodology?', [routing])
    assert.match(called.content, /He called it packet switching/)
    assert.doesNotMatch(called.content, /talk/)
  })

  it('refuses when the passage names another thing of the same start than the question', () => {
    const academy = chunk(
      'k',
      'Healers were non-Mongol physicians or Mongol shamans. Kublai created the Imperial Academy of Medicine to manage medical treatises.',
    )
    assert.equal(
      answer('Who created the Imperial Academy of Shamanism?', [academy]).content,
      NO_CONTEXT_ANSWER,
    )
    assert.match(
      answer('Who created the Imperial Academy of Medicine?', [academy]).content,
      /^Kublai created/,
    )
    const states = chunk(
      'u',
      'Krugman estimates that trade has had a measurable effect on the rising inequality in the United States.',
    )
    assert.equal(
      answer('What is attributed to the rising inequality in the United Nations?', [states]).content,
      NO_CONTEXT_ANSWER,
    )
  })

  it('"How much …?" is not answered by a passage whose only numbers are dates', () => {
    const dispute = chunk(
      'v',
      'In 2007, BSkyB and Virgin Media disputed the carriage of Sky channels. Virgin Media removed the basic channels on 1 March 2007, claiming BSkyB had increased the asking price for the channels.',
    )
    assert.equal(
      answer('How much did BSkyB ask Virgin Media for the channels?', [dispute]).content,
      NO_CONTEXT_ANSWER,
    )
    const priced = chunk(
      'w',
      'In 2007, BSkyB asked Virgin Media for 30 million pounds a year for the channels.',
    )
    assert.match(
      answer('How much did BSkyB ask Virgin Media for the channels?', [priced]).content,
      /30 million pounds/,
    )
  })

  it('"What three things …?" is answered by the sentence listing three, not by one sharing more words', () => {
    const bread = chunk(
      'b',
      'Bread making takes place in a warm kitchen, where the dough can rise for an hour before baking. Bread making needs flour, water, and yeast; salt is optional. Bread is one of the oldest prepared foods.',
    )
    assert.match(
      answer('What three things are needed for bread making to take place?', [bread]).content,
      /^Bread making needs flour, water, and yeast/,
    )
    // Without a count, the sentence sharing the question's words still leads.
    assert.match(
      answer('Where does bread making take place?', [bread]).content,
      /^Bread making takes place in a warm kitchen/,
    )
  })

  it('answers how to do something from a code comment and the lines it introduces, in the asked direction', () => {
    const usage = chunk(
      'u',
      [
        '## Usage',
        '',
        '```js',
        '// Convert from an encoded buffer to a js string.',
        "str = codec.decode(buf, 'win1251');",
        '',
        '// Convert from a js string to an encoded buffer.',
        "buf = codec.encode('Sample', 'win1251');",
        '',
        '// Check if an encoding is supported',
        "codec.encodingExists('us-ascii')",
        '```',
        '',
        'Results may vary, so please always check on your hardware.',
      ].join('\n'),
    )
    assert.equal(
      answer('How do I convert a string to an encoded buffer?', [usage]).content,
      "Convert from a js string to an encoded buffer:\n`buf = codec.encode('Sample', 'win1251');` [1]",
    )
    assert.match(
      answer('How do I check if an encoding is supported?', [usage]).content,
      /^Check if an encoding is supported:\n`codec.encodingExists/,
    )
    // Not another question's answer: a comment that does not name the doing asked for, and a
    // question that is not about doing something (a code block's words say nothing then).
    const testing = chunk(
      't',
      '## Testing\n\n```bash\n$ npm ci\n$ npm test\n\n$ # To view test coverage:\n$ npm run coverage\n```',
    )
    assert.doesNotMatch(answer('How do I run the tests?', [testing]).content, /coverage/)
    assert.equal(answer('Which encodings are supported?', [usage]).content, NO_CONTEXT_ANSWER)
  })

  it("answers from an API reference's section of the name asked about, shown with that name", () => {
    const section = (id: string, name: string, text: string) => chunk(id, text, `tinyq > API > ${name}`)
    const api = [
      section(
        'a',
        'queue.killAndDrain()',
        'Same as `kill` but the `drain` function is called before the reset.',
      ),
      section('b', 'queue.kill()', 'Removes every waiting task and resets `drain` to an empty function.'),
      section('c', 'queue.drain', 'Function called when the last task has been processed by a worker.'),
      section('d', 'queue.unshift(task, done)', 'Add a task at the beginning of the queue.'),
      section('e', 'queue.paused', 'Property that returns `true` while the queue is paused.'),
      section('f', 'queue.pause()', 'Pause the processing of tasks.'),
    ]
    assert.match(answer('What does kill() do?', api).content, /^queue\.kill\(\): Removes every waiting task/)
    assert.match(
      answer('When is the drain function called?', api).content,
      /^queue\.drain: Function called when the last task/,
    )
    assert.match(answer('How do I pause the queue?', api).content, /^queue\.pause\(\): Pause the processing/)
    assert.equal(
      answer('How do I add a task at the beginning of the queue?', api).content,
      'queue.unshift(task, done): Add a task at the beginning of the queue [1].',
    )
    // The arguments of the name asked about, not those of another name listing the same ones.
    const args = (last: string) =>
      `Creates a new queue.\n\nArguments:\n\n* \`worker\`, the worker function.\n* \`concurrency\`, ${last}.`
    const both = [
      section('p', 'tinyq.promise(worker, concurrency)', args('tasks run at once; it MUST return a Promise')),
      section('q', 'tinyq(worker, concurrency)', args('tasks run at once')),
    ]
    const content = answer('What arguments does tinyq take?', both).content
    assert.match(
      content,
      /^Arguments \[1\]:\n- `worker`, the worker function \[1\]\.\n- `concurrency`, tasks run at once \[1\]\.$/,
    )
  })

  it('shows the whole short example a section opens with, not its first paragraph alone', () => {
    const ts = chunk(
      't',
      "```ts\n'use strict'\n\nimport * as tinyq from 'tinyq'\n\nconst q = tinyq(worker, 1)\nq.push({ id: 42 })\n```",
      'tinyq > Usage > Using with TypeScript',
    )
    const content = answer('How do I use tinyq with TypeScript?', [ts]).content
    assert.match(
      content,
      /^`'use strict'`\n`import \* as tinyq from 'tinyq'`\n`const q = tinyq\(worker, 1\)`\n`q\.push\(\{ id: 42 \}\)` \[1\]$/,
    )
  })

  it("answers from a FAQ's answer, never with its question, reading the question as its heading", () => {
    const faq = {
      ...chunk(
        'f',
        [
          'Why do long user names get printed as numbers?',
          '',
          '\tThe standards require that user names be printed as decimal integers when there is not enough room in the column.',
          '',
          'Why is %CPU underreported for threaded apps?',
          '',
          '\tYou need to upgrade to the 2.6.10 kernel at least. Older kernels do not provide a way to get this.',
          '',
          'Why does ps get signal 17?',
          '',
          '\tNo ps release has ever had this problem. Most likely your system has been broken into. You might want to install a more recent version of the OS.',
        ].join('\n'),
      ),
      plain: true,
    }
    assert.match(
      answer('Why are long user names shown as numbers?', [faq]).content,
      /^The standards require that user names be printed/,
    )
    assert.match(
      answer('Which kernel do I need for correct CPU usage of threaded apps?', [faq]).content,
      /^You need to upgrade to the 2\.6\.10 kernel/,
    )
    // "What should I do …?" goes on to the advice.
    assert.match(
      answer('What should I do if ps gets signal 17?', [faq]).content,
      /^No ps release .* You might want to install a more recent version of the OS \[1\]\.$/,
    )
  })

  it('"How long …?" is answered by a length with its unit before a number without one', () => {
    const combs = chunk(
      'c',
      'The combs run across each row, and each consists of thousands of unusually long cilia, up to 2 millimeters (0.079 in). When trying to escape, one species can accelerate to six times its normal speed by reversing the stroke of the comb cilia.',
    )
    assert.match(
      answer('How long are the cilia of the combs?', [combs]).content,
      /^The combs run .*2 millimeters/,
    )
  })

  it('answers yes-or-no questions by a denial or a condition, and "who" by a role', () => {
    const policy = chunk(
      'p',
      'Flights must be booked 14 days ahead. Business class requires written approval from a director. Alcohol is never reimbursed. Claims are approved by the employee’s line manager.',
    )
    // "fly" is the asked action, said as "flights": not a thing no document names.
    assert.match(
      answer('Can I fly business class?', [policy]).content,
      /^Business class requires written approval/,
    )
    assert.equal(answer('Can I fly first class?', [policy]).content, NO_CONTEXT_ANSWER)
    assert.match(answer('Is alcohol reimbursed?', [policy]).content, /^Alcohol is never reimbursed/)
    assert.match(answer('Who approves expense claims?', [policy]).content, /line manager/)
  })

  describe('an appliance manual and a library README (questions the method was not tuned on)', () => {
    const cleaning = chunk(
      'm1',
      'To descale, dissolve one sachet of descaler in 1 litre of water and hold the power and steam buttons together for 5 seconds. The descaling cycle lasts about 25 minutes. Do not use vinegar: it damages the seals.',
      'Manual > Cleaning and maintenance',
    )
    const troubles = chunk(
      'm2',
      '**No coffee comes out.** The tank may be empty or the grind too fine. Refill the tank or grind coarser.\n\n**The coffee is too cold.** Preheat the cups and raise the brew temperature.',
      'Manual > Troubleshooting',
    )

    it('"How long does X take?" asks for a duration: "take" need not be said', () => {
      assert.match(answer('How long does descaling take?', [cleaning, troubles]).content, /25 minutes/)
    })

    it('two key words said side by side in the question must stand together in the passage', () => {
      assert.equal(answer('Can I make cold brew with it?', [troubles, cleaning]).content, NO_CONTEXT_ANSWER)
      assert.match(
        answer('What can I do when the coffee is too cold?', [troubles]).content,
        /Preheat the cups/,
      )
    })

    it('"What should I do if …?" brings the instruction that follows the problem it names', () => {
      const a = answer('What should I do if no coffee comes out?', [troubles, cleaning])
      assert.match(a.content, /^No coffee comes out\..*Refill the tank or grind coarser/s)
    })

    it('an identifier that merely starts with another is another name', () => {
      const timeout = chunk(
        'r1',
        'This feature is opt-in. It is disabled by default and is only enabled when `blockingTimeout` is set to a positive number of milliseconds.',
        'README > Blocking Command Timeout',
      )
      const grace = chunk(
        'r2',
        '- For commands with a finite timeout, ioredis sets a client-side deadline plus a small grace period (`blockingTimeoutGrace`, default 100ms).',
        'README > Blocking Command Timeout',
      )
      const a = answer('What is the default blockingTimeoutGrace?', [timeout, grace])
      assert.match(a.content, /100ms/)
      assert.doesNotMatch(a.content, /opt-in/)
    })

    it('the subject a paragraph opens with is what its next sentences speak of', () => {
      const retry = chunk(
        'r3',
        '`retryStrategy` is a function that will be called when the connection is lost. The argument `times` means this is the nth reconnection being made and the return value represents how long (in ms) to wait to reconnect.',
        'README > Auto-reconnect',
      )
      const other = chunk(
        'r4',
        'Every command returns a promise. The value of a GET is a string or null.',
        'README > Basic usage',
      )
      assert.match(
        answer('What is the return value of retryStrategy?', [retry, other]).content,
        /^The argument `times` means .*the return value represents how long/,
      )
    })
  })

  it('"Who is on X?" is answered by what X is composed of, people named by their role', () => {
    const funding = chunk(
      'f',
      'The scale of payments is determined by the Audit Panel, together with the WMO and UNEP, which is also responsible for adopting the annual budget.',
    )
    const panel = chunk(
      'p',
      'The Audit Panel is composed of representatives appointed by the member councils. Observers may attend its sessions.',
    )
    const a = answer('Who is on the Audit Panel?', [funding, panel])
    assert.match(a.content, /^The Audit Panel is composed of representatives/)
  })

  it("a passage owing the question's words to the document's top heading alone answers nothing", () => {
    const pause = chunk(
      'g1',
      'Yes. You can freeze your membership for up to three months per year.',
      'FitLine Gym FAQ > Can I pause my membership?',
    )
    const rules = chunk(
      'g2',
      '- Wipe down equipment after use.\n- Re-rack weights after use.',
      'FitLine Gym FAQ > Rules',
    )
    assert.equal(answer('How do I get into the gym?', [pause, rules]).content, NO_CONTEXT_ANSWER)
  })

  it('the action a yes-or-no question asks about, which no document says, is no key term', () => {
    const rules = chunk(
      'g3',
      'Wear clean indoor shoes in the gym. Photos and videos of other members are not allowed in the gym.',
      'FitLine Gym FAQ > Rules',
    )
    assert.match(
      answer('Can I take photos in the gym?', [rules]).content,
      /^Photos and videos of other members are not allowed/,
    )
  })

  it('a century is stated in any of its spellings, a decade by any of its years', () => {
    const garden = chunk(
      'k1',
      'The Saxon Garden is the oldest public park in the city. In the 19th century the Krasiński Palace Garden was remodelled by Franciszek Szanior.',
    )
    assert.match(
      answer('Who redesigned the Krasiński Palace Garden in the 1800s?', [garden]).content,
      /Franciszek Szanior/,
    )
    // Another century is another time.
    assert.equal(
      answer('Who redesigned the Krasiński Palace Garden in the 1700s?', [garden]).content,
      NO_CONTEXT_ANSWER,
    )
    const dating = chunk(
      'k2',
      'At the beginning of the twentieth century, geologists obtained accurate absolute dates from radioactive isotopes.',
    )
    assert.match(
      answer('What let geologists obtain accurate absolute dates in the 20th century?', [dating]).content,
      /radioactive isotopes/,
    )
    // An editor's brackets: "the [21st] century".
    const warming = chunk(
      'k4',
      'They predict that global mean temperature will increase by about 0.3 °C per decade during the [21st] century.',
    )
    assert.match(
      answer('How much will global mean temperature increase per decade in the 21st century?', [warming])
        .content,
      /0\.3 °C per decade/,
    )
    const tour = chunk('k3', 'In 1965 the band toured Japan for the first time. Its next record sold poorly.')
    assert.match(answer('Where did the band tour in the 1960s?', [tour]).content, /toured Japan/)
  })

  it('a negating prefix states a negated question\'s word ("independent of" for "not depend on")', () => {
    const encoding = chunk(
      'n1',
      'Proofs often assume a concrete choice of input encoding. One tries to keep the discussion abstract enough to be independent of the choice of encoding.',
    )
    assert.match(
      answer('Theorists keep the discussion general enough not to depend on what?', [encoding]).content,
      /independent of the choice of encoding/,
    )
  })

  it('a passage about the opposite case does not answer ("high" for "low", "jawed" for "jawless", "American" for "British")', () => {
    // Analysed as retrieval hands them over, the question's contrasting word weighing little: the
    // passage covers the question, and only the contrast tells it speaks of another case.
    const petrology = analysed(
      chunk(
        'o1',
        'Petrologists perform high temperature experiments to understand the pressures at which mineral phases appear.',
      ),
      [
        ['petrologist', 3, 1],
        ['use', 0.2, 40],
        ['low', 0.5, 20],
        ['high', 0.5, 20],
        ['temperatur', 2, 3],
        ['experi', 2, 3],
        ['understand', 1.5, 5],
      ],
      [
        [
          'petrologist',
          'perform',
          'high',
          'temperatur',
          'experi',
          'understand',
          'pressur',
          'miner',
          'phase',
          'appear',
        ],
      ],
    )
    assert.equal(
      answer('What do petrologists use low temperature experiments to understand?', [petrology]).content,
      NO_CONTEXT_ANSWER,
    )
    assert.match(
      answer('What do petrologists use high temperature experiments to understand?', [petrology]).content,
      /mineral phases/,
    )
    const vertebrates = analysed(
      chunk(
        'o2',
        'Jawed vertebrates have sophisticated defense mechanisms, including the ability to adapt to specific pathogens.',
      ),
      [
        ['sophist', 2, 2],
        ['defens', 2, 2],
        ['mechan', 2, 2],
        ['jawless', 0.5, 1],
        ['jaw', 0.5, 1],
        ['vertebr', 3, 1],
      ],
      [['jaw', 'vertebr', 'sophist', 'defens', 'mechan', 'includ', 'abil', 'adapt', 'specif', 'pathogen']],
    )
    assert.equal(
      answer('What sophisticated defense mechanisms do jawless vertebrates have?', [vertebrates]).content,
      NO_CONTEXT_ANSWER,
    )
    assert.match(
      answer('What sophisticated defense mechanisms do jawed vertebrates have?', [vertebrates]).content,
      /ability to adapt/,
    )
    const war = analysed(
      chunk(
        'o3',
        "American historians generally use the traditional name or sometimes the Seven Years' War.",
      ),
      [
        ['name', 1, 5],
        ['british', 0.8, 4],
        ['american', 0.8, 4],
        ['historian', 3, 1],
        ['general', 1, 5],
        ['use', 0.2, 40],
      ],
      [['american', 'historian', 'general', 'use', 'tradit', 'name', 'sometim', 'seven', 'year', 'war']],
    )
    assert.equal(answer('What name do British historians generally use?', [war]).content, NO_CONTEXT_ANSWER)
    assert.match(answer('What name do American historians generally use?', [war]).content, /traditional name/)
  })

  it('a passage of another partner, year, prefix or degree, or denying the thing, does not answer', () => {
    // Each passage covers its question's words but one, which weighs little: only what the passage
    // says instead tells it speaks of another case.
    const cases: [string, string, [string, number, number][], string[][]][] = [
      [
        'In which city did Bohemond sign a peace treaty with the Albanians?',
        'Bohemond had to sign a peace treaty with the Byzantines in the city of Deabolis. Later the Albanians rose against Byzantium.',
        [
          ['citi', 1, 5],
          ['bohemond', 3, 1],
          ['sign', 2, 2],
          ['peac', 2, 2],
          ['treati', 2, 2],
          ['albanian', 0.3, 3],
        ],
        [
          ['bohemond', 'sign', 'peac', 'treati', 'byzantin', 'citi', 'deaboli'],
          ['later', 'albanian', 'rose', 'byzantium'],
        ],
      ],
      [
        'Who founded the outpost of Charlesfort in 1564?',
        'In 1562, naval officer Jean Ribault founded the outpost of Charlesfort on Parris Island. In 1564, Laudonnière sailed again.',
        [
          ['found', 1, 5],
          ['outpost', 3, 1],
          ['charlesfort', 3, 1],
          ['1564', 0.3, 2],
        ],
        [
          ['1562', 'naval', 'offic', 'jean', 'ribault', 'found', 'outpost', 'charlesfort', 'parri', 'island'],
          ['1564', 'laudonnier', 'sail'],
        ],
      ],
      [
        'Which pathway is conserved across all prokaryotes?',
        'The RNA interference pathway is conserved across all eukaryotes.',
        [
          ['pathway', 3, 1],
          ['conserv', 3, 1],
          ['across', 1, 5],
          ['prokaryot', 0.3, 1],
        ],
        [['rna', 'interfer', 'pathway', 'conserv', 'across', 'eukaryot']],
      ],
      [
        'Which form of Buddhism had little influence on China?',
        'Tibetan Buddhism had a great influence on China during this period.',
        [
          ['form', 1, 5],
          ['buddhism', 3, 1],
          ['littl', 0.3, 3],
          ['influenc', 2, 2],
          ['china', 2, 2],
        ],
        [['tibetan', 'buddhism', 'great', 'influenc', 'china', 'period']],
      ],
      [
        'Why do most tribes in the Amazon have clearly defined boundaries?',
        'Most tribes in the Amazon do not have clearly defined boundaries, which makes their land easy to target.',
        [
          ['tribe', 3, 1],
          ['amazon', 3, 1],
          ['clear', 1, 3],
          ['defin', 1, 3],
          ['boundari', 2, 2],
        ],
        [['tribe', 'amazon', 'clear', 'defin', 'boundari', 'make', 'land', 'easi', 'target']],
      ],
      [
        'Which of the original treaties mentions protection for fundamental rights?',
        'None of the original treaties establishing the Union mention protection for fundamental rights.',
        [
          ['origin', 1, 3],
          ['treati', 3, 1],
          ['mention', 2, 2],
          ['protect', 2, 2],
          ['fundament', 2, 2],
          ['right', 2, 2],
        ],
        [['none', 'origin', 'treati', 'establish', 'union', 'mention', 'protect', 'fundament', 'right']],
      ],
      [
        'Which unit vector points inward toward the center of the path?',
        'The unit vector points in the radial direction outwards from the center of the path.',
        [
          ['unit', 2, 2],
          ['vector', 3, 1],
          ['point', 2, 2],
          ['inward', 0.3, 1],
          ['center', 2, 2],
          ['path', 2, 2],
        ],
        [['unit', 'vector', 'point', 'radial', 'direct', 'outward', 'center', 'path']],
      ],
      [
        'Where did the epidemic come to an end in 1865?',
        'The plague was responsible for an epidemic that began in southern China in 1865.',
        [
          ['epidem', 3, 1],
          ['come', 0.3, 9],
          ['end', 0.3, 9],
          ['1865', 3, 1],
        ],
        [['plagu', 'respons', 'epidem', 'began', 'southern', 'china', '1865']],
      ],
      [
        'Why are large steam cycles and modern gas turbines poorly matched?',
        'The efficiencies of large steam cycles and large modern gas turbines are fairly well matched.',
        [
          ['larg', 1, 5],
          ['steam', 2, 2],
          ['cycl', 2, 2],
          ['modern', 1, 5],
          ['gas', 2, 2],
          ['turbin', 2, 2],
          ['poor', 0.3, 5],
          ['match', 2, 2],
        ],
        [['effici', 'larg', 'steam', 'cycl', 'modern', 'gas', 'turbin', 'fair', 'well', 'match']],
      ],
      [
        'What is the largest seaport in Florida?',
        "The Port of Jacksonville is Florida's third largest seaport.",
        [
          ['largest', 1, 5],
          ['seaport', 3, 1],
          ['florida', 2, 2],
        ],
        [['port', 'jacksonvill', 'florida', 'third', 'largest', 'seaport']],
      ],
      [
        'How many days after a banquet with Kusala did Tugh Temür die?',
        'Kusala suddenly died only four days after a banquet with Tugh Temür.',
        [
          ['mani', 0.1, 9],
          ['day', 1, 5],
          ['banquet', 3, 1],
          ['kusala', 3, 1],
          ['tugh', 3, 1],
          ['temür', 3, 1],
          ['die', 1, 5],
        ],
        [['kusala', 'sudden', 'die', 'four', 'day', 'banquet', 'tugh', 'temür']],
      ],
      [
        'Which colonies did Britain give more autonomy to during the 19th century?',
        'Britain expanded in the 19th century. More autonomy was granted to its settler colonies in the 20th century.',
        [
          ['coloni', 2, 2],
          ['britain', 1, 5],
          ['give', 0.1, 9],
          ['autonomi', 3, 1],
          ['19th', 0.3, 3],
          ['centuri', 0.3, 5],
        ],
        [
          ['britain', 'expand', '19th', 'centuri'],
          ['autonomi', 'grant', 'settler', 'coloni', '20th', 'centuri'],
        ],
      ],
      [
        'What makes the power-to-weight ratio of combustion engines lower than that of steam plants?',
        'The weight of boilers generally makes the power-to-weight ratio of a steam plant lower than for combustion engines.',
        [
          ['power-to-weight', 3, 1],
          ['ratio', 2, 2],
          ['combust', 2, 2],
          ['engin', 1, 5],
          ['lower', 1, 5],
          ['steam', 2, 2],
          ['plant', 2, 2],
        ],
        [
          [
            'weight',
            'boiler',
            'general',
            'make',
            'power-to-weight',
            'ratio',
            'steam',
            'plant',
            'lower',
            'combust',
            'engin',
          ],
        ],
      ],
      [
        'What did Gandhi write that civil disobedience accomplished?',
        'Thoreau also wrote of civil disobedience accomplishing "peaceable revolution." Gandhi read the essay in prison.',
        [
          ['gandhi', 0.3, 3],
          ['write', 1, 5],
          ['civil', 2, 2],
          ['disobedi', 3, 1],
          ['accomplish', 2, 2],
        ],
        [
          ['thoreau', 'also', 'wrote', 'write', 'civil', 'disobedi', 'accomplish', 'peaceabl', 'revolut'],
          ['gandhi', 'read', 'essay', 'prison'],
        ],
      ],
      [
        'Which newspaper was the first to report the arrest of Thoreau?',
        'At the time of his arrest, Thoreau was not yet well known, and the arrest was not covered in any newspapers.',
        [
          ['newspap', 2, 2],
          ['first', 0.5, 9],
          ['report', 1, 5],
          ['arrest', 3, 1],
          ['thoreau', 3, 1],
        ],
        [['time', 'arrest', 'thoreau', 'yet', 'well', 'known', 'cover', 'newspap']],
      ],
      [
        'What balancing system was used on marine engines in the early 19th century?',
        'In the late 19th century, the Yarrow-Schlick-Tweedy balancing system was used on marine engines.',
        [
          ['balanc', 3, 1],
          ['system', 1, 5],
          ['use', 0.2, 9],
          ['marin', 2, 2],
          ['engin', 1, 5],
          ['earli', 0.3, 5],
          ['19th', 1, 3],
          ['centuri', 0.5, 5],
        ],
        [
          [
            'late',
            '19th',
            'centuri',
            'yarrow-schlick-tweedi',
            'yarrow',
            'schlick',
            'tweedi',
            'balanc',
            'system',
            'use',
            'marin',
            'engin',
          ],
        ],
      ],
      [
        'Which city was ranked the most liveable in Central Europe?',
        'Warsaw was ranked as one of the most liveable cities in Central Europe.',
        [
          ['citi', 1, 5],
          ['rank', 2, 2],
          ['liveabl', 3, 1],
          ['central', 1, 3],
          ['europ', 1, 3],
        ],
        [['warsaw', 'rank', 'one', 'liveabl', 'citi', 'central', 'europ']],
      ],
    ]
    for (const [question, passage, terms, lexemes] of cases) {
      const c = analysed(chunk('x', passage), terms, lexemes)
      assert.equal(answer(question, [c]).content, NO_CONTEXT_ANSWER, question)
    }
    // The same passages answer the question they do answer.
    const [bohemond, charlesfort] = cases
    assert.match(
      answer('In which city did Bohemond sign a peace treaty with the Byzantines?', [
        analysed(
          chunk('x', bohemond?.[1] as string),
          [...(bohemond?.[2] ?? []), ['byzantin', 0.3, 3]],
          bohemond?.[3] as string[][],
        ),
      ]).content,
      /Deabolis/,
    )
    assert.match(
      answer('Who founded the outpost of Charlesfort in 1562?', [
        analysed(
          chunk('x', charlesfort?.[1] as string),
          [...(charlesfort?.[2] ?? []).slice(0, 3), ['1562', 0.3, 2]],
          charlesfort?.[3] as string[][],
        ),
      ]).content,
      /Jean Ribault/,
    )
  })

  it('a verb states its noun and a country its adjective where stemming leaves them apart (lose / loss, late / latter, Britain / British)', () => {
    const colonies = analysed(
      chunk('f1', "The British Empire grew. Britain's loss of the American colonies came in 1776."),
      [
        ['british', 1, 2],
        ['lose', 3, 2],
        ['coloni', 1, 2],
      ],
      [
        ['british', 'empir', 'grew'],
        ['britain', 'loss', 'american', 'coloni', 'came', '1776'],
      ],
    )
    assert.match(answer('When did the British lose the colonies?', [colonies]).content, /1776/)
    // "latter" is the comparative of "late": the latter half of a century is its late years.
    const tourism = analysed(
      chunk(
        'f2',
        'Visitors arrived by steamboat. The tourist trade was hurt in the late 19th century by yellow fever.',
      ),
      [
        ['latter', 5, 1],
        ['half', 1, 2],
        ['19th', 1, 2],
        ['centuri', 1, 2],
        ['tourism', 1, 2],
      ],
      [
        ['visitor', 'arriv', 'steamboat'],
        ['tourism', 'trade', 'hurt', 'late', '19th', 'centuri', 'yellow', 'fever'],
      ],
    )
    assert.match(
      answer('What hurt tourism in the latter half of the 19th century?', [tourism]).content,
      /yellow fever/,
    )
  })

  it('"lift the world up" says "uplift"; a price question wants a price, not a count nearby', () => {
    const mission = chunk(
      'p1',
      'It became a moral justification to lift the world up to French standards by bringing Christianity and French culture. Jules Ferry declared that France had a civilising mission.',
    )
    assert.match(
      answer('What did the French think bringing would uplift the world to?', [mission]).content,
      /lift the world up to French standards/,
    )
    const cost = chunk(
      'p2',
      'The nominal cost of attendance is high, but the endowment allows generous aid. It operates 79 libraries with over 18 million volumes.',
    )
    assert.equal(answer('What is the nominal cost of attendance?', [cost]).content, NO_CONTEXT_ANSWER)
  })

  it('"not suitable" says "unsuitable": a negated word answers its negating prefix', () => {
    const governor = chunk(
      'u1',
      'There was a tendency for oscillation whenever the speed changed. As a consequence, engines equipped only with this governor were not suitable for operations requiring constant speed, such as cotton spinning.',
    )
    assert.match(
      answer('Which operation needing constant speed was unsuitable for engines with only this governor?', [
        governor,
      ]).content,
      /cotton spinning/,
    )
  })

  it('"in what year" is answered by a year, not by any number', () => {
    const exams = chunk(
      'y1',
      'Kublai rejected plans to revive the Confucian imperial examinations and divided society into three, later four, classes.',
    )
    assert.equal(
      answer('In what year did Kublai revive the Confucian imperial examinations?', [exams]).content,
      NO_CONTEXT_ANSWER,
    )
  })

  it('makes the offline answer once for a list of sources (a follow-up is judged on it, then given it)', () => {
    const sources = [DEPLOY]
    const q = 'Which port does the server listen on?'
    const first = offlineAnswer(q, sources, q)
    assert.ok(first)
    assert.equal(offlineAnswer(q, sources, q), first)
    // Another list of sources, or another query, is answered anew.
    assert.notEqual(offlineAnswer(q, [...sources], q), first)
    assert.notEqual(offlineAnswer(q, sources, `server\n${q}`), first)
  })
})

describe('the measure asked for', () => {
  it('"How big …?" is answered by the passage naming the size, not by a number said in passing', () => {
    const ways = chunk(
      'w',
      'Documents come in two ways:\n\n1. The web page: choose a file and press Upload.\n2. The API: a multipart upload with one file field, up to 20 MiB.',
      'Adding documents',
    )
    const formats = chunk(
      'f',
      'Markdown and PDF files are read. The maximum upload size is 20 MiB per file.',
      'Formats',
    )
    assert.match(
      answer('How big can a file be?', [ways, formats]).content,
      /^The maximum upload size is 20 MiB per file/,
    )
    const tower = chunk(
      't',
      'The tower has 300 steps and a bell of 2 tonnes. The age of the tower is put at 700 years.',
    )
    assert.match(
      answer('How old is the tower?', [tower]).content,
      /^The age of the tower is put at 700 years/,
    )
  })

  it('a unit or a share the question asks for must be in the answer, or the documents do not say', () => {
    const study = chunk(
      's',
      'The children were followed for months; twenty-six children aged between 20 and 36 weeks were evaluated. Of the patients, women were readmitted 4 times more often than men within 180 days.',
    )
    assert.equal(
      answer('What was the age in months of the children evaluated?', [study]).content,
      NO_CONTEXT_ANSWER,
    )
    assert.match(
      answer('What was the age in weeks of the children evaluated?', [study]).content,
      /20 and 36 weeks/,
    )
    assert.equal(answer('What percentage of the patients were women?', [study]).content, NO_CONTEXT_ANSWER)
    const share = chunk('r', 'Of the patients, 23.3% were women, who were readmitted more often.')
    assert.match(answer('What percentage of the patients were women?', [share]).content, /23\.3%/)
  })
})

describe('words said otherwise', () => {
  it('a power that lost its superscript ("232 + 1" for 2^32 + 1) states the number', () => {
    const fermat = chunk(
      'f',
      'Fermat numbers grow fast. However, the very next Fermat number 232 + 1 is composite (one of its prime factors is 641), as Euler discovered later.',
    )
    assert.match(
      answer('What prime factor of the Fermat number 2^32 + 1 did Euler find?', [fermat]).content,
      /641/,
    )
  })

  it('"did not appear until" says when it first appeared', () => {
    const lace = analysed(
      chunk(
        'l',
        'Bobbin lace came from Flanders. Lace of this kind did not appear until the end of the 18th century.',
      ),
      [
        ['lace', 2, 2],
        ['kind', 1, 1],
        ['first', 0.5, 1],
        ['appear', 2, 1],
      ],
      [
        ['bobbin', 'lace', 'came', 'flander'],
        ['lace', 'kind', 'appear', 'end', '18th', 'centuri'],
      ],
    )
    assert.match(
      answer('When did this kind of lace first appear?', [lace]).content,
      /until the end of the 18th century/,
    )
  })

  it('partners joined in another order are the same partners', () => {
    const lace = chunk(
      'm',
      'Bobbin lace came from Flanders. Lace with Mechlin patterns and Lille ground appeared at the end of the 18th century.',
    )
    assert.match(
      answer('When did lace with Lille ground and Mechlin patterns appear?', [lace]).content,
      /end of the 18th century/,
    )
  })

  it('a noun states its verb where stemming leaves them apart (basis / based)', () => {
    const immunity = analysed(
      chunk(
        'i',
        'Adaptive immunity creates immunological memory. This process of acquired immunity is the basis of vaccination.',
      ),
      [
        ['vaccin', 3, 1],
        ['base', 2, 0],
      ],
      [
        ['adapt', 'immun', 'creat', 'immunolog', 'memori'],
        ['process', 'acquir', 'immun', 'basi', 'vaccin'],
      ],
    )
    assert.match(
      answer('What is vaccination based on?', [immunity]).content,
      /acquired immunity is the basis/,
    )
  })

  it('a word of the same meaning states it ("formally" / "officially", "big" / "major")', () => {
    const network = analysed(
      chunk(
        'n',
        'Internet2 built the Abilene network in 1998. In October 2007, Internet2 officially retired Abilene and named its new network.',
      ),
      [
        ['internet2', 2, 2],
        ['formal', 3, 0],
        ['stop', 2, 0],
        ['abilen', 2, 2],
      ],
      [
        ['internet2', 'built', 'abilen', 'network', '1998'],
        ['octob', '2007', 'internet2', 'offici', 'retir', 'abilen', 'name', 'new', 'network'],
      ],
    )
    assert.match(
      answer('When did Internet2 formally stop using Abilene?', [network]).content,
      /^In October 2007/,
    )
    const plague = analysed(
      chunk(
        'p',
        'A plague killed 100,000 in Sweden in 1710. Europe’s last major epidemic occurred in 1720 in Marseille.',
      ),
      [
        ['last', 1, 2],
        ['big', 2, 0],
        ['plagu', 2, 1],
        ['outbreak', 2, 0],
        ['europ', 1, 1],
      ],
      [
        ['plagu', 'kill', '100,000', 'sweden', '1710'],
        ['europ', 'last', 'major', 'epidem', 'occur', '1720', 'marseill'],
      ],
    )
    assert.match(
      answer('Where did the last big plague outbreak in Europe take place?', [plague]).content,
      /^Europe’s last major/,
    )
  })
})

describe('instructions and settings for the thing asked', () => {
  it('an instruction doing the task to another thing gives way ("To disable sign-ups" for "disable a user")', () => {
    const config = chunk(
      'c',
      '- `SIGNUP` (default `open`): `open` or `closed` (accounts only via `npm run user -- create`). To disable sign-ups, set `SIGNUP=closed`.\n- `SECRET_KEY`: the pepper for session hashes.',
      'Accounts',
    )
    const admin = chunk(
      'a',
      'The users page lists every account. Beside each user:\n\n- `Disable` ends every session of the user; a disabled user cannot sign in.\n- `Delete` deletes the account.',
      'Managing users',
    )
    const got = answer('How do I disable a user?', [config, admin]).content
    assert.match(got, /`Disable` ends every session/)
    assert.doesNotMatch(got, /SIGNUP/)
  })

  it('an instruction for "someone" does the task to whoever the question names', () => {
    const roles = chunk('r', 'A user is an administrator when their stored role is admin.', 'Roles')
    const users = chunk(
      'u',
      'The users page lists every account. To make someone an admin from the command line, run `npm run user -- promote <email>`.',
      'Managing users',
    )
    assert.match(
      answer('How do I make a user an administrator?', [roles, users]).content,
      /npm run user -- promote/,
    )
    const members = chunk(
      'm',
      "Members of a space are invited by its owner. To invite someone, open the space's page, enter their email and choose `Add member`.",
      'Members',
    )
    assert.match(answer('How do I invite a member?', [members]).content, /^To invite someone, open/)
  })

  it('the item labelled by a setting named for the asked thing leads ("SMTP" → `SMTP_URL`)', () => {
    const email = chunk(
      'e',
      '- `EMAIL_VERIFICATION` (default `off`): `required` (needs `SMTP_URL`) lets an unverified account only verify.\n- `PUBLIC_URL`: the external address used in links; required with `SMTP_URL`.\n- `SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS) or `smtps://host:465`. To send email, set `SMTP_URL` and `PUBLIC_URL`; unset, the server sends no email.',
      'Configuration > Email',
    )
    const server = chunk(
      'o',
      '- `PORT` (default 7860): the port to listen on.\n- `DATA_DIR` (default `./data`): where the embedded database lives.\n- `LOG_LEVEL` (default `info`): how much the server logs.',
      'Configuration > Server',
    )
    const sessions = chunk(
      'p',
      '- `SESSION_TTL_DAYS` (default 7): a session unused this long expires.\n- `SECRET_KEY`: the pepper for session hashes.\n- `TRUST_PROXY` (default 0): how many proxies are believed.',
      'Configuration > Sessions',
    )
    const limits = chunk(
      'q',
      '- `RATE_LIMIT_CHAT` (default 20): chat messages per minute.\n- `MAX_UPLOAD_MB` (default 20): the largest upload.',
      'Configuration > Limits',
    )
    assert.match(
      answer('How do I configure SMTP?', [email, server, sessions, limits]).content,
      /^- `SMTP_URL`/,
    )
    // Named by the question itself, the setting is asked something a passage may say better.
    const signup = chunk(
      's',
      'When `SIGNUP=closed` nobody can register (403 `signup_closed`).\n\n- `SIGNUP` (default `open`): `open` or `closed`. To disable sign-ups, set `SIGNUP=closed`.',
      'Sign-up',
    )
    assert.match(
      answer('What happens when SIGNUP is closed?', [signup]).content,
      /^When `SIGNUP=closed` nobody/,
    )
  })
})

describe('the number of what', () => {
  it('a passage on the number of other things does not answer "the number of spaces"', () => {
    const proxies = chunk(
      'p',
      'Every user gets "rate limit exceeded" together: `TRUST_PROXY` must match the number of proxies in front of the server (1 on a Space, 2 behind Vercel and the Space).',
      'Troubleshooting',
    )
    const q = 'Is there a limit on the number of spaces?'
    assert.equal(answer(q, [proxies]).content, NO_CONTEXT_ANSWER)
    const spaces = chunk('s', 'There is no limit on the number of spaces a user may create.', 'Spaces')
    assert.match(answer(q, [proxies, spaces]).content, /^There is no limit on the number of spaces/)
  })
})

describe('a definite noun brought in just before', () => {
  const reset = chunk(
    'r',
    'If you forget your password, choose `Forgot password?` and enter your email; the server emails a reset link when it has a mail server. The link works once, for 30 minutes, and a newer request voids older links. Without email, an administrator hands you the same one-time link from the `Reset link` button.',
    'Forgotten passwords',
  )
  const sessions = chunk(
    's',
    'A session lasts 7 days without use. Signing out ends the session at once.',
    'Sessions',
  )

  it('"The link works once, for 30 minutes" is read with the sentence naming "a reset link"', () => {
    const got = answer('How long are password reset links valid?', [reset, sessions]).content
    assert.match(got, /The link works once, for 30 minutes/)
    assert.doesNotMatch(got, /^Without email/)
  })

  it('a sentence saying all the question asks stands alone', () => {
    const war = chunk(
      'w',
      'The war was fought along the frontiers of New France. It began with a dispute over the Forks of the Ohio. The dispute erupted into violence in May 1754, when militiamen under 22-year-old George Washington ambushed a French patrol.',
      'The war',
    )
    assert.match(
      answer('How old was George Washington when his militiamen ambushed a French patrol?', [war, sessions])
        .content,
      /^The dispute erupted into violence/,
    )
  })
})

describe('kept and stored', () => {
  it('"kept" is said by "stored" ("How long are conversations kept?")', () => {
    const chat = analysed(
      chunk(
        'c',
        'Press Stop at any time to stop the answer. Conversations are stored on the server with your account, until you delete the conversation or your account.',
        'Conversations',
      ),
      [
        ['convers', 1.5, 3],
        ['kept', 2.5, 0],
      ],
      [
        ['press', 'stop', 'time', 'stop', 'answer'],
        ['convers', 'store', 'server', 'account', 'delet', 'convers', 'account'],
      ],
    )
    assert.match(answer('How long are conversations kept?', [chat]).content, /^Conversations are stored/)
  })

  it('"largest" is said by "maximum"', () => {
    const upload = analysed(
      chunk('u', 'Markdown and PDF files are read. The maximum upload size is 20 MiB per file.', 'Formats'),
      [
        ['largest', 3.4, 0],
        ['file', 1.5, 5],
        ['upload', 0.5, 40],
      ],
      [
        ['markdown', 'pdf', 'file', 'read'],
        ['maximum', 'upload', 'size', '20', 'mib', 'per', 'file'],
      ],
    )
    assert.match(
      answer('What is the largest file I can upload?', [upload]).content,
      /^The maximum upload size/,
    )
  })

  it('a passage elsewhere without the kind asked for is not shown beside one with it', () => {
    const terms: [string, number, number][] = [
      ['password', 1.4, 10],
      ['reset', 2.5, 3],
      ['link', 2.5, 3],
      ['valid', 3.4, 0],
    ]
    const reset = analysed(
      chunk(
        'r',
        'If you forget your password, the server emails a reset link. The link works once, for 30 minutes.',
        'Forgotten passwords',
      ),
      terms,
      [
        ['forget', 'password', 'server', 'email', 'reset', 'link'],
        ['link', 'work', '30', 'minut'],
      ],
    )
    const users = analysed(
      chunk(
        'u',
        'The `Reset link` button makes a one-time password-reset link to hand over when there is no email.',
        'Managing users',
      ),
      terms,
      [
        [
          'reset',
          'link',
          'button',
          'make',
          'one-tim',
          'one',
          'time',
          'password-reset',
          'password',
          'hand',
          'email',
        ],
      ],
    )
    const got = answer('How long are password reset links valid?', [reset, users])
    assert.match(got.content, /30 minutes/)
    assert.doesNotMatch(got.content, /button/)
  })
})

describe('what a thing is for', () => {
  it('"What can I do with X?" is answered by what X is', () => {
    const models = chunk(
      'm',
      'Pass the model name `rag-auth` to search every space you can read, or `rag-auth/<space_id>` to search one space. `GET /v1/models` lists the models you may use.',
      'The OpenAI-compatible API',
    )
    const about = chunk(
      'a',
      'rag-auth is an authenticated question-answering service over your documents. People sign up, bring documents into spaces and ask questions.',
    )
    assert.match(
      answer('What can I do with rag-auth?', [models, about]).content,
      /^rag-auth is an authenticated/,
    )
  })
})

describe('words said another way', () => {
  it('"turn off" is said by "disable"', () => {
    const signup = analysed(
      chunk('s', 'To disable sign-ups, set `SIGNUP=closed`.', 'Accounts'),
      [
        ['sign', 1.07, 10],
        ['sign-up', 3.43, 2],
        ['turn', 2.84, 1],
      ],
      [['disabl', 'sign-up', 'sign', 'set', 'signup', 'close']],
    )
    assert.match(answer('How do I turn off sign-up?', [signup]).content, /^To disable sign-ups/)
  })

  it('"instead of the session cookie" negates as "without the session cookie" does', () => {
    const csrf = chunk(
      'c',
      'Requests authenticated with a Bearer token, and requests without Origin headers (curl, scripts), are not affected.',
      'Cross-site protection',
    )
    const keys = chunk(
      'k',
      'Scripts and chat clients authenticate with a personal API key instead of the session cookie: they send it as `Authorization: Bearer rak_…`.',
    )
    assert.match(
      answer('How does a script authenticate without the session cookie?', [csrf, keys]).content,
      /^Scripts and chat clients authenticate/,
    )
  })
})

describe('what a yes-or-no question or a "what can I" question asks of its verb', () => {
  // As retrieval hands them over: the Docker section scored well ahead of the quickstart.
  const ranked = (c: RetrievedChunk, lexicalScore: number, sentenceLexemes: string[][]) =>
    scored(c, [['docker', 2.47, 6]], sentenceLexemes, lexicalScore)
  const deploy = ranked(
    chunk(
      'd',
      'To run rag-auth with Docker on any machine, build the image from the repository root and run it. This is the same image a Space runs.',
      'Running the image with Docker',
    ),
    3.9,
    [
      ['run', 'rag-auth', 'rag', 'auth', 'docker', 'machin', 'build', 'imag', 'repositori', 'root', 'run'],
      ['imag', 'space', 'run'],
    ],
  )
  const quickstart = ranked(
    chunk(
      'q',
      'You need Node.js 20 or newer; Docker is not needed to run it locally. To start the server, run npm ci and npm start.',
      'Get started',
    ),
    2.63,
    [
      ['need', 'node.js', '20', 'newer', 'docker', 'need', 'run', 'local'],
      ['start', 'server', 'run', 'npm', 'ci', 'npm', 'start'],
    ],
  )

  it('"Do I need X?" is answered by whether X is needed, not by how X is used', () => {
    assert.match(answer('Do I need Docker?', [deploy, quickstart]).content, /Docker is not needed/)
  })

  it('"Is X needed?" too', () => {
    assert.match(answer('Is Docker needed?', [deploy, quickstart]).content, /Docker is not needed/)
  })

  it('"What X can I <verb>?" is answered by what "can be <verb>ed"', () => {
    // As retrieval hands it over: "type", the question's frame, weighs little.
    const formats = analysed(
      chunk(
        'f',
        "Markdown (`.md`), plain text (`.txt`), HTML (`.html`) and PDF (`.pdf`) files can be uploaded. The maximum upload size is 20 MiB per file. PDF text is extracted page by page. An uploaded file whose type or content is not usable (an unknown extension such as an image's, binary data, a damaged PDF, a scanned PDF without a text layer, since there is no OCR, or no text at all) is refused with 422 and nothing of it is stored.",
        'Supported formats',
      ),
      [
        ['file', 2.2, 5],
        ['type', 2.2, 5],
        ['upload', 1.6, 9],
      ],
      [
        ['markdown', 'md', 'plain', 'text', 'txt', 'html', 'html', 'pdf', 'pdf', 'file', 'upload'],
        ['maximum', 'upload', 'size', '20', 'mib', 'per', 'file'],
        ['pdf', 'text', 'extract', 'page', 'page'],
        [
          'upload',
          'file',
          'whose',
          'type',
          'content',
          'usabl',
          'unknown',
          'extens',
          'imag',
          'binari',
          'data',
          'damag',
          'pdf',
          'scan',
          'pdf',
          'without',
          'text',
          'layer',
          'sinc',
          'ocr',
          'text',
          'refus',
          '422',
          'noth',
          'store',
        ],
      ],
    )
    assert.match(
      answer('What file types can I upload?', [formats]).content,
      /^Markdown \(`\.md`\), plain text/,
    )
  })

  it('"my name" is the reader\'s own name, as documentation says "your name"', () => {
    const files = chunk(
      'r',
      'To replace a document with a new version, upload the changed file under the same file name.',
      'Re-ingesting',
    )
    const account = chunk(
      'a',
      'Register with an email and a password. Your name is optional and cannot be changed after sign-up.',
      'Signing up',
    )
    assert.match(answer('How do I change my name?', [files, account]).content, /^Your name is optional/)
  })
})

describe('a command in a code block', () => {
  it('is quoted as the one line it is, even where it reads like two sentences', () => {
    const llm = chunk(
      'l',
      'To configure a language model, set three variables and restart:\n\n```bash\nLLM_BASE_URL=https://api.openai.com/v1 LLM_API_KEY=sk-... LLM_MODEL=gpt-4o-mini npm start\n```',
      'Answer with a language model',
    )
    const a = answer('How do I configure a language model?', [llm]).content
    assert.match(
      a,
      /`LLM_BASE_URL=https:\/\/api\.openai\.com\/v1 LLM_API_KEY=sk-\.\.\. LLM_MODEL=gpt-4o-mini npm start`/,
    )
  })
})

describe('who may do something to a thing', () => {
  // As retrieval hands them over: the section on deleting a space scored a little ahead.
  const ranked = (c: RetrievedChunk, lexicalScore: number, sentenceLexemes: string[][]) =>
    scored(
      c,
      [
        ['delet', 1.48, 12],
        ['document', 0.67, 30],
      ],
      sentenceLexemes,
      lexicalScore,
    )
  it('"Who can delete a document?" is answered by who can delete documents, not who can delete a space', () => {
    const deleting = ranked(
      chunk(
        'd',
        'Only an owner can delete a space. When a space is deleted, its documents are deleted with it and its members lose access at once.',
        'Deleting a space',
      ),
      3.6,
      [
        ['owner', 'delet', 'space'],
        ['space', 'delet', 'document', 'delet', 'member', 'lose', 'access', 'onc'],
      ],
    )
    const roles = ranked(
      chunk(
        'r',
        "A member of a team space has one of three roles. A viewer can list, open, search and chat over the space's documents, but cannot upload or delete them. An editor can also upload and delete documents.",
        'Roles in a team space',
      ),
      3.16,
      [
        ['member', 'team', 'space', 'one', 'three', 'role'],
        ['viewer', 'list', 'open', 'search', 'chat', 'space', 'document', 'upload', 'delet'],
        ['editor', 'also', 'upload', 'delet', 'document'],
      ],
    )
    assert.match(
      answer('Who can delete a document?', [deleting, roles]).content,
      /^An editor can also upload and delete documents/,
    )
  })
})

describe('a button named in lower case', () => {
  it('"a reset link" in the question is the link the prose speaks of, not only the `Reset link` button', () => {
    // As retrieval hands it over ("valid" is a word the documents never use).
    const forgotten = analysed(
      chunk(
        'f',
        'If you forget your password, choose `Forgot password?` on the sign-in page; the server emails a reset link. The link works once, for 30 minutes, and a newer request voids older links. Without email, an administrator hands you the same one-time link from the `Reset link` button on `/admin/users`.',
        'Forgotten passwords',
      ),
      [
        ['link', 2.47, 4],
        ['reset', 2.2, 5],
        ['valid', 3.43, 0],
      ],
      [
        [
          'forget',
          'password',
          'choos',
          'forgot',
          'password',
          'sign',
          'page',
          'server',
          'email',
          'reset',
          'link',
        ],
        ['link', 'work', 'onc', '30', 'minut', 'newer', 'request', 'void', 'older', 'link'],
        [
          'without',
          'email',
          'administr',
          'hand',
          'one-tim',
          'one',
          'time',
          'link',
          'reset',
          'link',
          'button',
          'admin',
          'user',
        ],
      ],
    )
    assert.match(answer('How long is a reset link valid?', [forgotten]).content, /30 minutes/)
  })
})
