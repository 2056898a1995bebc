import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { maskSecret, maskSecretsInText, maskUrl } from '../../src/http/mask.js'

describe('maskSecret', () => {
  test('keeps the first 3 and last 4 characters of a long key', () => {
    assert.equal(maskSecret('sk-1234567890abcdef'), 'sk-…cdef')
  })
  test('replaces a key shorter than 16 characters entirely', () => {
    assert.equal(maskSecret('sk-12345678abcd'), '***')
    assert.equal(maskSecret(''), '***')
  })
})

describe('maskSecretsInText', () => {
  test('masks sk- keys found anywhere in the text', () => {
    assert.equal(
      maskSecretsInText('Invalid key sk-abcdefghijklmnop passed, also sk-short9'),
      'Invalid key sk-…mnop passed, also ***',
    )
  })
  test('masks the token after Bearer, keeping the scheme', () => {
    assert.equal(
      maskSecretsInText('Authorization: Bearer abc.def.ghi-very-long-token'),
      'Authorization: Bearer abc…oken',
    )
  })
  test('masks listed secrets that do not look like keys', () => {
    assert.equal(
      maskSecretsInText("Received=master-1234567890xyz, expected to start with 'sk-'.", [
        'master-1234567890xyz',
      ]),
      "Received=mas…0xyz, expected to start with 'sk-'.",
    )
  })
  test('masks the longer of two overlapping secrets whole', () => {
    assert.equal(maskSecretsInText('k=abcdefghijklmnopqrst', ['abcd', 'abcdefghijklmnopqrst']), 'k=abc…qrst')
  })
  test('does not mask an already masked text again', () => {
    const once = maskSecretsInText('Bearer sk-abcdefghijklmnop and sk-0123456789abcdefgh')
    assert.equal(once, 'Bearer sk-…mnop and sk-…efgh')
    assert.equal(maskSecretsInText(once), once)
  })
  test('leaves text without secrets unchanged', () => {
    assert.equal(
      maskSecretsInText('GET http://127.0.0.1:4000/v1/models: HTTP 404', []),
      'GET http://127.0.0.1:4000/v1/models: HTTP 404',
    )
  })
})

describe('maskUrl', () => {
  test('drops userinfo and masks credential query values', () => {
    assert.equal(
      maskUrl('https://user:pw@host.example:8000/v1?api_key=abc&x=1&sig=zz'),
      'https://host.example:8000/v1?api_key=***&x=1&sig=***',
    )
  })
  test('returns a URL with nothing to hide exactly as written', () => {
    assert.equal(
      maskUrl('https://exampleopenaiendpoint-production.up.railway.app/'),
      'https://exampleopenaiendpoint-production.up.railway.app/',
    )
    assert.equal(maskUrl('http://127.0.0.1:8000'), 'http://127.0.0.1:8000')
  })
  test('masks a key inside the path and passes non-URLs through text masking', () => {
    assert.equal(maskUrl('http://h/v1/sk-abcdefghijklmnop/x'), 'http://h/v1/sk-…mnop/x')
    assert.equal(maskUrl('os.environ/BASE sk-abcdefghijklmnop'), 'os.environ/BASE sk-…mnop')
  })
})
