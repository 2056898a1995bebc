import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isEventStream, parseRetryAfter } from '../../src/client/response-headers.js'
import { networkErrorMessage } from '../../src/http/error-code.js'
import { abortMessage, eventErrorMessage, httpErrorBodyMessage } from '../../src/http/error-message.js'
import { maskSecretsInText } from '../../src/http/mask.js'

describe('error messages', () => {
  test('HTTP bodies: OpenAI error, Ollama/FastAPI shapes, HTML, text, empty', () => {
    assert.equal(
      httpErrorBodyMessage('{"error":{"message":"model not found","code":null}}'),
      'model not found',
    )
    assert.equal(httpErrorBodyMessage('{"error":"plain"}'), 'plain')
    assert.equal(
      httpErrorBodyMessage('{"detail":{"error":"Model id = x not found"}}'),
      'Model id = x not found',
    )
    assert.equal(httpErrorBodyMessage('{"message":"top level"}'), 'top level')
    assert.equal(httpErrorBodyMessage('{"unrelated":1}'), '{"unrelated":1}')
    assert.equal(
      httpErrorBodyMessage('<h1>502 Bad Gateway</h1>\n<hr><center>nginx</center>'),
      '502 Bad Gateway nginx',
    )
    assert.equal(httpErrorBodyMessage('  \n '), 'empty body')
    assert.equal(httpErrorBodyMessage('<html></html>'), 'empty body')
    assert.equal(httpErrorBodyMessage('y'.repeat(300)).length, 200)
  })

  test('secrets are masked: the request key, sk- keys, Bearer tokens', () => {
    // The one masking algorithm (http/mask.ts): a long key keeps 3 + 4 characters, a short one none.
    assert.equal(maskSecretsInText('key abc123secret rejected', ['abc123secret']), 'key *** rejected')
    assert.equal(
      maskSecretsInText('Received API Key = sk-1234567890abcdef', []),
      'Received API Key = sk-…cdef',
    )
    assert.equal(maskSecretsInText('header Bearer xyz.abc', []), 'header Bearer ***')
  })

  test('network errors carry their code; an AggregateError gives its first', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    assert.equal(networkErrorMessage(refused), 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9')
    assert.equal(networkErrorMessage(new AggregateError([refused], '')), 'ECONNREFUSED')
    assert.equal(networkErrorMessage(new Error('odd')), 'odd')
  })

  test('error events and abort reasons', () => {
    assert.equal(eventErrorMessage('{"error":{"message":"busy"}}'), 'busy')
    assert.equal(eventErrorMessage('upstream went away'), 'upstream went away')
    assert.equal(eventErrorMessage(''), 'no details')
    assert.equal(abortMessage('interrupted by SIGINT'), 'Aborted: interrupted by SIGINT')
    assert.equal(abortMessage(new DOMException('This operation was aborted', 'AbortError')), 'Aborted')
    assert.equal(abortMessage(undefined), 'Aborted')
  })

  test('Retry-After in seconds or as an HTTP date; content types', () => {
    assert.equal(parseRetryAfter('120'), 120)
    assert.equal(parseRetryAfter('1.5'), 1.5)
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)), 30)
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.UTC(2016, 0, 1)), 0)
    assert.equal(parseRetryAfter('soon'), null)
    assert.equal(isEventStream('Text/Event-Stream; charset=utf-8'), true)
    assert.equal(isEventStream(null), true)
    assert.equal(isEventStream('application/json'), false)
  })
})
