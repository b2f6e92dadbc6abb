import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asksForSeveral, countsAsked, kindScore, wantedOf, whichAskedFor } from '../../src/rag/answer-type.js'
import { splitSentences } from '../../src/rag/sentences.js'

describe('answer type', () => {
  it('reads the kind asked for from the question', () => {
    assert.deepEqual(wantedOf('How long must a password be?'), { kind: 'measure', measure: 'length' })
    // The noun phrase's last word when a verb ends it within three words, else its first.
    assert.deepEqual(wantedOf('How many Vice Presidents are there?'), {
      kind: 'number',
      counted: 'presidents',
    })
    assert.deepEqual(wantedOf('How many API keys can I have?'), { kind: 'number', counted: 'keys' })
    assert.deepEqual(wantedOf('How many MSPs represent constituencies?'), { kind: 'number', counted: 'msps' })
    assert.deepEqual(wantedOf('How many Huguenot lacemakers settled in Bedfordshire?'), {
      kind: 'number',
      counted: 'huguenot',
    })
    // A number that names (a status, a port) or the pronoun "one" counts nothing.
    const keys = 'How many API keys can I have?'
    assert.equal(kindScore('The response (201) holds the key in `key`.', wantedOf(keys), keys), 0)
    assert.equal(
      kindScore('A lost key cannot be shown again; create a new one instead.', wantedOf(keys), keys),
      0,
    )
    assert.equal(kindScore('The server listens on port 7860.', wantedOf(keys), keys), 0)
    assert.equal(kindScore('Each user may hold up to 10 API keys.', wantedOf(keys), keys), 1)
    assert.deepEqual(wantedOf('In what year did the war end?'), { kind: 'date', year: true })
    assert.deepEqual(wantedOf('In what month did the war end?'), { kind: 'date' })
    const price = 'What price did BSkyB ask Virgin Media to pay for the channels?'
    assert.deepEqual(wantedOf(price), { kind: 'number', amount: true, money: true })
    assert.equal(
      kindScore(
        'BSkyB had substantially increased the asking price for the channels.',
        wantedOf(price),
        price,
      ),
      0,
    )
    const nominal = 'What is the nominal cost of attendance?'
    assert.deepEqual(wantedOf(nominal), { kind: 'number', amount: true, money: true })
    assert.equal(kindScore('The nominal cost of attendance is high.', wantedOf(nominal), nominal), 0)
    // A date is no amount, a month no one who did something.
    const paid = 'How much money did Microsoft pay BSkyB?'
    assert.equal(
      kindScore('On 31 July 2013, BSkyB and Microsoft announced their settlement.', wantedOf(paid), paid),
      0,
    )
    const who = 'Who published the study?'
    assert.equal(kindScore('On 1 February 2007, a study was published.', wantedOf(who), who), 0)
    assert.equal(kindScore('In 2007, Smith published a study.', wantedOf(who), who), 1)
    // A capitalised opener is no one; "those who …" says who.
    assert.equal(kindScore('Conversely, education raises incomes.', wantedOf(who), who), 0)
    const able = 'Who is best able to leverage wealth?'
    assert.equal(kindScore('Those who already hold wealth can leverage it.', wantedOf(able), able), 0.75)
    // "How much money", "what dose" want a number (money for the first).
    assert.deepEqual(wantedOf('How much money did GE lose in 1965?'), {
      kind: 'number',
      amount: true,
      money: true,
    })
    assert.deepEqual(wantedOf('At what dose do glucocorticoids cause osteoporosis?'), {
      kind: 'number',
      unit: 'dose',
    })
    const year = 'In what year did Kublai revive the examinations?'
    assert.equal(
      kindScore('Kublai divided society into three, later four, classes.', wantedOf(year), year),
      0,
    )
    assert.equal(kindScore('In the early 1950s, applications declined.', wantedOf(year), year), 1)
    assert.equal(kindScore('In the 13th century the examinations were revived.', wantedOf(year), year), 1)
    assert.deepEqual(wantedOf('Who challenged the theory first?'), { kind: 'name' })
    assert.equal(wantedOf('How do sessions expire?'), null)
  })

  it('"how long" asks a time when something is done or lasts, a size when it is; "how much … cost" asks money', () => {
    assert.deepEqual(wantedOf('How long does a session last?'), { kind: 'measure', time: true })
    assert.deepEqual(wantedOf('How long is a reserved item kept?'), { kind: 'measure', time: true })
    assert.deepEqual(wantedOf('How long can a message be?'), { kind: 'measure', measure: 'length' })
    assert.deepEqual(wantedOf('How long is the session token?'), { kind: 'measure', measure: 'length' })
    const kept = 'How long is a reserved item kept?'
    assert.equal(kindScore('You can reserve up to 15 items at a time.', wantedOf(kept), kept), 0.5)
    assert.equal(kindScore('The item is held for 7 days at the branch you chose.', wantedOf(kept), kept), 1)
    const size = 'How long can a list be?'
    assert.equal(kindScore('A list holds up to 15 items.', wantedOf(size), size), 1)
    const cost = 'How much does a reservation cost?'
    assert.deepEqual(wantedOf(cost), { kind: 'number', amount: true, money: true })
    assert.equal(kindScore('Reservations are free.', wantedOf(cost), cost), 1)
    assert.equal(kindScore('You can reserve up to 15 items at a time.', wantedOf(cost), cost), 0.5)
    assert.equal(kindScore('Colour printing costs 50 cents a page.', wantedOf(cost), cost), 1)
  })

  it('reads the thing a "which X" or "what kind of X" question asks for', () => {
    assert.equal(whichAskedFor('Which database is used when DATABASE_URL is not set?'), 'database')
    assert.equal(whichAskedFor('What kind of search does retrieval use?'), 'search')
    assert.equal(whichAskedFor('And what type of committee is set down?'), 'committee')
    // "kind" as the subject, not a question for a kind of thing.
    assert.equal(whichAskedFor('What kind is it?'), null)
    assert.equal(whichAskedFor('What does retrieval use?'), null)
  })

  it('"how many Xs" is not answered by a number far from the Xs the passage names', () => {
    const q = 'How many administrators can an installation have?'
    const w = wantedOf(q)
    const far =
      'There are three kinds of space: the shared library, one per installation, readable by every user. Administrators own it.'
    assert.equal(countsAsked(far, w, q), false)
    assert.equal(countsAsked('An installation has at most three administrators.', w, q), true)
    // The counted thing said in other words: the number may still be the answer.
    const men = 'How many men older than 18 are there for every 100 women?'
    assert.equal(
      countsAsked('For every 100 females age 18 and over, there were 91.3 males.', wantedOf(men), men),
      true,
    )
    assert.equal(countsAsked(far, wantedOf('How long is a session?'), 'How long is a session?'), true)
    // "N per X" counts what stands before it; the pronoun "one" counts nothing.
    const users = 'How many users can a space have?'
    assert.equal(
      countsAsked(
        'The shared library: one per installation, readable by every signed-in user.',
        wantedOf(users),
        users,
      ),
      false,
    )
    assert.equal(
      countsAsked('Any signed-in user creates one from the Spaces page.', wantedOf(users), users),
      false,
    )
    assert.equal(countsAsked('A space holds up to 50 users.', wantedOf(users), users), true)
    const messages = 'How many chat messages can I send?'
    assert.equal(
      countsAsked('Each user may send chat messages (default 20 per minute).', wantedOf(messages), messages),
      true,
    )
    // Nor one further back than a word or two, and "three kinds of space" counts kinds.
    const spaces = 'How many spaces can I create?'
    const kinds =
      'There are three kinds of space: - The shared library: one per installation, readable by all.'
    assert.equal(countsAsked(kinds, wantedOf(spaces), spaces), false)
    assert.equal(kindScore('There are three kinds of space.', wantedOf(spaces), spaces), 0.75)
    assert.equal(kindScore('A user may create three spaces.', wantedOf(spaces), spaces), 1)
    // A length of time given by its end.
    const kept = 'How long are conversations kept?'
    assert.equal(kindScore('Conversations are stored until you delete them.', wantedOf(kept), kept), 0.75)
    assert.equal(kindScore('Conversations are stored on the server.', wantedOf(kept), kept), 0)
    const sorts = 'How many kinds of space are there?'
    assert.equal(countsAsked('There are three kinds of space.', wantedOf(sorts), sorts), true)
  })

  it('"how long" wants a number with a unit, not a rate or a code', () => {
    // A number without a unit is a weak candidate for a length ("six times its speed"): half credit.
    const q = 'How long must a password be?'
    const w = wantedOf(q)
    assert.equal(kindScore('A password has at least 8 characters.', w, q), 1)
    assert.equal(kindScore('Each user may send 20 per minute.', w, q), 0.5)
    assert.equal(kindScore('A wrong password gives 401 invalid_credentials.', w, q), 0.5)
    assert.equal(kindScore('Passwords are hashed.', w, q), 0)
    // "How big" prefers a size to other numbers (a count, a time).
    const big = 'How big can a file be?'
    const size = wantedOf(big)
    assert.deepEqual(size, { kind: 'number', measure: 'size' })
    assert.equal(kindScore('The maximum upload size is 20 MiB per file.', size, big), 1)
    assert.equal(kindScore('It ends with `ingested 12 files … in 2.1s`.', size, big), 0.75)
    assert.equal(kindScore('Files are parsed.', size, big), 0)
    // Digits inside a word or a path are part of a name, not a number: /v1, rak_3, IPv6.
    assert.equal(kindScore('Call /v1 with a key such as rak_3 over IPv6.', w, q), 0)
    const cilia = 'How long are the cilia?'
    assert.equal(kindScore('Cilia grow up to 2 millimeters (0.079 in).', wantedOf(cilia), cilia), 1)
  })

  it('a candidate far from the words it is asked of counts for half', () => {
    const q = 'How long is the waiting list?'
    const w = wantedOf(q)
    const near = ['wait', 'list']
    assert.equal(
      kindScore('New members join the waiting list, which is about 18 months long.', w, q, near),
      1,
    )
    assert.equal(
      kindScore(
        'After two warning letters the plot goes to the next person on the waiting list.',
        w,
        q,
        near,
      ),
      0.5,
    )
  })

  it('"how much" wants an amount: a year or a day of a month alone is none', () => {
    const q = 'How much did BSkyB ask for the channels?'
    const w = wantedOf(q)
    assert.equal(kindScore('In 2007, BSkyB raised the asking price for the channels.', w, q), 0)
    assert.equal(kindScore('The channels were removed on 1 March 2007.', w, q), 0)
    assert.equal(kindScore('On March 1st, 2007, it asked 30 million pounds.', w, q), 1)
    assert.equal(kindScore('It asked about half of the revenue.', w, q), 1)
  })

  it('"when does …" accepts an event as the time; "when <clause>, what …" does not', () => {
    const q = 'When does a cancelled order stop shipping?'
    const w = wantedOf(q)
    assert.deepEqual(w, { kind: 'date', event: true })
    assert.equal(kindScore('Cancelling stops shipping on the very next dispatch run.', w, q), 0.75)
    assert.equal(kindScore('Orders ship in 1998.', w, q), 1)
    assert.equal(kindScore('Cancelled orders are marked in red.', w, q), 0)
    const clause = 'When the river took a right turn what did it create?'
    const c = wantedOf(clause)
    assert.deepEqual(c, { kind: 'date' })
    assert.equal(kindScore('After the right turn the river created a lake.', c, clause), 0)
  })

  it('"who" accepts people named by their role or place', () => {
    const q = 'Who is on the IPCC Panel?'
    const w = wantedOf(q)
    assert.equal(kindScore('The panel is composed of representatives appointed by governments.', w, q), 0.75)
    assert.equal(
      kindScore('Leaks are fixed by the caretaker.', wantedOf('Who fixes leaks?'), 'Who fixes leaks?'),
      0.75,
    )
    assert.equal(kindScore('The panel meets twice a year in spring.', w, q), 0)
  })

  it('"when" is answered by the days of the week something recurs on, not by the day it names', () => {
    const q = 'When is general waste collected?'
    const w = wantedOf(q)
    assert.equal(kindScore('The general waste is collected on Tuesdays and Fridays.', w, q), 0.75)
    assert.equal(kindScore('Quiet hours are longer at weekends.', w, q), 0.75)
    assert.equal(kindScore('The general waste goes into the grey bin.', w, q), 0)
    const named = 'What happens on Tuesdays?'
    assert.equal(kindScore('Bins are emptied on Tuesdays.', { kind: 'date' }, named), 0)
  })

  it('counts numbers spelled out in words, the teens and tens included', () => {
    const q = 'How often must the flux regulator be recalibrated?'
    const w = wantedOf(q)
    assert.ok(kindScore('The flux regulator must be recalibrated every seventeen days.', w, q) > 0)
    assert.ok(kindScore('It holds ninety crates.', { kind: 'number' }, 'How many crates?') > 0)
  })

  it('a candidate the question already names does not count', () => {
    const q = 'What troops defended the fort in 1757?'
    assert.equal(kindScore('The fort was attacked in 1757.', { kind: 'number' }, q), 0)
    const who = 'Who led Jacksonville?'
    assert.equal(kindScore('Jacksonville grew fast.', wantedOf(who), who), 0)
    assert.equal(kindScore('Jacksonville was led by Mayor Haydon Burns.', wantedOf(who), who), 1)
  })

  it('a candidate far from every word of the question counts less', () => {
    const q = 'How long must a password be?'
    const far =
      'After 5 failed sign-ins for one email within 15 minutes, further attempts are refused until the window passes, even with the right password.'
    const near = 'A password of at least 8 characters is required for every account.'
    assert.ok(kindScore(near, wantedOf(q), q, ['password']) > kindScore(far, wantedOf(q), q, ['password']))
  })

  it('a unit the question names must carry the number; a share asked wants a part of a whole', () => {
    const months = 'What was the mean age in months of the children?'
    assert.deepEqual(wantedOf(months), { kind: 'number', unit: 'months' })
    assert.equal(
      kindScore('Children between 20 and 36 months old were evaluated.', wantedOf(months), months),
      1,
    )
    assert.equal(kindScore('Children of 20 weeks were evaluated in 2 centres.', wantedOf(months), months), 0)
    const perKg = 'What dose in mg/kg of TAT-CBD3 reduced hypersensitivity?'
    assert.equal(wantedOf(perKg)?.unit, 'mg/kg')
    assert.equal(kindScore('TAT-CBD3 given at 10 mg/kg reduced it.', wantedOf(perKg), perKg), 1)
    assert.equal(kindScore('TAT-CBD3 given at 10 mg reduced it.', wantedOf(perKg), perKg), 0)
    const resolution = 'At what resolution in ångströms were the structures determined?'
    assert.equal(kindScore('The structures were solved at 2.5 Å.', wantedOf(resolution), resolution), 1)
    assert.equal(
      kindScore('We determined the X-ray structures of Mdm35.', wantedOf(resolution), resolution),
      0,
    )
    const share = 'What percentage of women had normal arteries?'
    assert.deepEqual(wantedOf(share), { kind: 'number', share: true })
    assert.equal(kindScore('Of these, 23.3% were women.', wantedOf(share), share), 1)
    assert.equal(
      kindScore('Women were readmitted 4 times more often within 180 days.', wantedOf(share), share),
      0,
    )
    const part = 'What share of the children were hypertensive?'
    assert.equal(kindScore('Just over a quarter of them were.', wantedOf(part), part), 1)
    assert.equal(kindScore('About one in five was.', wantedOf(part), part), 1)
    // A measure named by its noun wants its units: a dose, a temperature, a speed.
    const dose = 'What dose of carvedilol was injected into the rats?'
    assert.deepEqual(wantedOf(dose), { kind: 'number', unit: 'dose' })
    assert.equal(kindScore('Rats received carvedilol at 10 mg/kg.', wantedOf(dose), dose), 1)
    assert.equal(kindScore('Rats received carvedilol 2 weeks before surgery.', wantedOf(dose), dose), 0)
    const cold = 'What was the temperature of the cold store?'
    assert.equal(kindScore('Apples are kept at 2.5 °C.', wantedOf(cold), cold), 1)
    assert.equal(kindScore('Apples are kept for 3 months.', wantedOf(cold), cold), 0)
    const velocity = 'At what velocity does the complex move microtubules?'
    assert.equal(kindScore('It slides microtubules at 0.3 µm/s.', wantedOf(velocity), velocity), 1)
    assert.equal(kindScore('The train reaches 300 kilometres per hour.', wantedOf(velocity), velocity), 1)
    assert.equal(kindScore('The complex, a 50-nm rod, slides microtubules.', wantedOf(velocity), velocity), 0)
    // "In what year …?" names no unit.
    assert.deepEqual(wantedOf('In what year did the war end?'), { kind: 'date', year: true })
  })
})

describe('sentence split', () => {
  it('does not cut names at initials or titles', () => {
    assert.deepEqual(
      splitSentences(
        'It was challenged by J. F. D. Shrewsbury in 1970. Then Dr. Smith and the U.S. Army came. Next.',
      ),
      [
        'It was challenged by J. F. D. Shrewsbury in 1970.',
        'Then Dr. Smith and the U.S. Army came.',
        'Next.',
      ],
    )
  })

  it('does not cut a number from its abbreviation ("c. 1,300,000", "No. 5"), and "No." may still end one', () => {
    assert.deepEqual(
      splitSentences(
        'In 1939, c. 1,300,000 people lived in Warsaw. See No. 5 and p. 12 there. The answer is No. Then more.',
      ),
      [
        'In 1939, c. 1,300,000 people lived in Warsaw.',
        'See No. 5 and p. 12 there.',
        'The answer is No.',
        'Then more.',
      ],
    )
  })
})

describe('asksForSeveral', () => {
  it('tells a question asking for several things of a kind from one asking for one', () => {
    for (const q of [
      'What are the answer modes?',
      'Which file formats can I upload?',
      'Which environment variables can I configure?',
      'And which cookies does it set?',
    ])
      assert.ok(asksForSeveral(q), q)
    for (const q of [
      'Which port does the server listen on?',
      'What kind of search does retrieval use?',
      'What happens when SIGNUP is closed?',
      'What happens when Redis is down?',
      'What does an API error look like?',
      'Which address is used?',
    ])
      assert.ok(!asksForSeveral(q), q)
  })
})

describe('a length of time said of what ends', () => {
  it('"How long does X last?" is answered by a number of days near "expires", not near X', () => {
    const q = 'How long does an API key last?'
    const near = ['api', 'key']
    assert.equal(
      kindScore(
        'A key never expires unless you chose an expiry (1 to 365 days) when you created it.',
        wantedOf(q),
        q,
        near,
      ),
      1,
    )
    assert.equal(kindScore('The response (201) holds the key in `key`.', wantedOf(q), q, near), 0.5)
  })
})

describe('where something is', () => {
  it('"Where …?" is answered by a page or a path first, a named place next', () => {
    const q = 'Where do I see my sessions?'
    assert.deepEqual(wantedOf(q), { kind: 'place' })
    assert.equal(kindScore('The account page (`/account`) lists your active sessions.', wantedOf(q), q), 1)
    assert.equal(kindScore('Sessions were first kept in Redis by Alice.', wantedOf(q), q), 0.75)
    // Never 0: a place may be said in plain words, and "where" is not refused for lacking a name.
    assert.equal(kindScore('A session lasts 7 days without use.', wantedOf(q), q), 0.5)
  })
})

describe('who may do something', () => {
  it('"Who can …?" is not answered by a code or an acronym, which names a thing', () => {
    const q = 'Who can see my documents?'
    assert.equal(kindScore('Documents are identified by a SHA-256 hash of their text.', wantedOf(q), q), 0)
    assert.equal(kindScore('Only you can read it; administrators cannot read it either.', wantedOf(q), q), 1)
    // Any other "who" question may be answered by one.
    const made = 'Who developed the format?'
    assert.equal(kindScore('The format was developed by IBM in 1981.', wantedOf(made), made), 1)
  })
})
