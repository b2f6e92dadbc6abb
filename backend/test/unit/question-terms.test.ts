import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isFrameWord, plainPhrasing } from '../../src/rag/question-terms.js'

describe('isFrameWord', () => {
  it('reads question scaffolding in the forms Postgres stems it to ("goes" → goe)', () => {
    // "What happens when Redis goes down?": the subject is Redis; "goes" (snowball: goe) frames it.
    // "How are PDFs handled?" asks about PDFs; "How do I invite someone?" about inviting.
    for (const w of [
      'goe',
      'goes',
      'go',
      'happen',
      'happens',
      'make',
      'need',
      'kind',
      'see',
      'handl',
      'handled',
      'someon',
    ])
      assert.equal(isFrameWord(w), true, w)
    for (const w of ['redi', 'redis', 'session', 'token', 'upload']) assert.equal(isFrameWord(w), false, w)
  })

  it('reads the verb a "how long" or "how much" question is framed by as scaffolding there only', () => {
    assert.equal(isFrameWord('take', 'How long does descaling take?'), true)
    assert.equal(isFrameWord('lasts', 'How long the battery lasts?'), true)
    assert.equal(isFrameWord('cost', 'How much does pressing cost?'), true)
    assert.equal(isFrameWord('take', 'Who takes the minutes?'), false)
    assert.equal(isFrameWord('cost', 'What does the warranty cost cover?'), false)
    assert.equal(isFrameWord('take'), false)
    // The word naming the kind of answer: "What number do I call?" is answered by "0800 555 010".
    assert.equal(isFrameWord('number', 'What number do I call in an emergency?'), true)
    assert.equal(isFrameWord('year', 'In what year was the mill built?'), true)
    assert.equal(isFrameWord('big', 'How big is the deposit?'), true)
    // "how fast", "how old", "how far" ask for a rate, an age, a distance ("0.3 °C per decade").
    assert.equal(isFrameWord('fast', 'How fast will the temperature rise?'), true)
    assert.equal(isFrameWord('old', 'How old was Tesla when he left Graz?'), true)
    assert.equal(isFrameWord('fast', 'Is the fast lane open?'), false)
    // After an opening clause too.
    assert.equal(isFrameWord('fast', 'Under business as usual, how fast will the temperature rise?'), true)
    // A hedge on the number asked for, and "never" (the negation check's); "made" asks what of.
    for (const w of ['rough', 'roughly', 'approxim', 'never']) assert.equal(isFrameWord(w), true, w)
    assert.equal(isFrameWord('made', 'What is the lattice made of?'), false)
    assert.equal(isFrameWord('number', 'Is my phone number shown to others?'), false)
    // "What three things …?" asks for a list of three; "take place" says "happen".
    assert.equal(isFrameWord('three', 'What three things does the recipe need?'), true)
    assert.equal(isFrameWord('three', 'Is the three-day pass refundable?'), false)
    assert.equal(isFrameWord('place', 'What is needed for the harvest festival to take place?'), true)
    assert.equal(isFrameWord('place', 'Where does the harvest festival take place?'), false)
    // A closing "take" says "accept": "What arguments does fastqueue take?".
    assert.equal(isFrameWord('take', 'What arguments does the function take?'), true)
    assert.equal(isFrameWord('take', 'Which photos can I take?'), true)
    assert.equal(isFrameWord('take', 'Which medicine should I take before breakfast?'), false)
    assert.equal(isFrameWord('place', 'Which place serves breakfast?'), false)
    // A closing "return" asks what something gives; a noun after a name of code says its kind.
    assert.equal(isFrameWord('return', 'What does the /v1/models endpoint return?'), true)
    assert.equal(isFrameWord('return', 'When did Tesla return to Graz?'), false)
    assert.equal(isFrameWord('endpoint', 'What does the /v1/models endpoint return?'), true)
    assert.equal(isFrameWord('variable', 'What is the REDIS_URL variable for?'), true)
    assert.equal(isFrameWord('endpoint', 'Which endpoint lists the models?'), false)
  })
})

describe('plainPhrasing', () => {
  it('says "log in" and "log out" as the documents do: sign in, sign out', () => {
    assert.equal(plainPhrasing('How do I log out?'), 'How do I sign out?')
    assert.equal(plainPhrasing('Log in with your email'), 'sign in with your email')
    assert.equal(plainPhrasing('I logged into the app'), 'I sign in to the app')
    assert.equal(plainPhrasing('How do I logout of all devices?'), 'How do I sign out of all devices?')
    assert.equal(
      plainPhrasing('What happens after too many failed logins?'),
      'What happens after too many failed sign-ins?',
    )
    assert.equal(plainPhrasing('Where is the log-off button?'), 'Where is the sign out button?')
    assert.equal(plainPhrasing('Where is the login page?'), 'Where is the sign in page?')
  })

  it('leaves other logs and words alone', () => {
    for (const q of [
      'Where is the audit log?',
      'How do I log requests?',
      'Which blog on the site?',
      'Is the catalog online?',
    ])
      assert.equal(plainPhrasing(q), q)
  })

  it('asks whether something is needed in the word "need" (a yes-or-no question only)', () => {
    assert.equal(plainPhrasing('Is Docker required?'), 'Is Docker needed?')
    assert.equal(plainPhrasing('Does rag-auth require Docker?'), 'Does rag-auth need Docker?')
    assert.equal(plainPhrasing('Is a name necessary to sign up?'), 'Is a name needed to sign up?')
    // Not a question about what is required: the documents' word for it stays searched.
    assert.equal(plainPhrasing('Which fields are required?'), 'Which fields are required?')
  })
})

describe('"allowed to"', () => {
  it('reads "allowed to" as the question\'s frame: documents say what someone "can" do', () => {
    assert.ok(isFrameWord('allowed', 'What is a viewer allowed to do?'))
    assert.ok(isFrameWord('permitted', 'Is an editor permitted to delete documents?'))
    assert.ok(!isFrameWord('allowed', 'Which file types are allowed?'))
  })
})
