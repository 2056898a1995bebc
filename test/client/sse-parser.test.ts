import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { createSseParser, type SseEvent } from '../../src/client/sse-parser.js'

const FIXTURES = new URL('../fixtures/sse/', import.meta.url)
const fixtureNames = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.sse'))
  .sort()

function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES))
}

/** Feeds the pieces in order, then ends the stream. */
function parse(pieces: Uint8Array[]): SseEvent[] {
  const events: SseEvent[] = []
  const parser = createSseParser((event) => events.push(event))
  for (const piece of pieces) parser.push(piece)
  parser.end()
  return events
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8')
}

function byteByByte(buf: Buffer): Buffer[] {
  return Array.from(buf, (byte) => Buffer.from([byte]))
}

/** Every way of cutting buf in two, plus byte by byte, must give `expected`. */
function assertSplitInvariant(buf: Buffer, expected: SseEvent[], label: string): void {
  for (let cut = 0; cut <= buf.length; cut++) {
    const events = parse([buf.subarray(0, cut), buf.subarray(cut)])
    assert.deepEqual(events, expected, `${label}: cut at byte ${cut}`)
  }
  assert.deepEqual(parse(byteByByte(buf)), expected, `${label}: byte by byte`)
}

/** Naive reference for the fixtures (LF only, every line `data: …`, blank line between events). */
function referenceEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => ({
      data: block
        .split('\n')
        .map((line) => line.slice('data: '.length))
        .join('\n'),
      event: null,
    }))
}

describe('createSseParser on the recorded fixtures', () => {
  test('there are fixtures to read', () => {
    assert.equal(fixtureNames.length, 13)
  })

  test('openai include_usage stream has 14 events, the last [DONE]', () => {
    const events = parse([fixture('openai-gpt-4o-include-usage.sse')])
    assert.equal(events.length, 14)
    assert.equal(events[13]?.data, '[DONE]')
    assert.equal(events[0]?.event, null)
  })

  test('Korean content of the vLLM tail decodes exactly', () => {
    const events = parse([fixture('vllm-qwen3-8b-stream-tail.sse')])
    const contents = events.map((event) => JSON.parse(event.data).choices[0].delta.content)
    assert.deepEqual(contents, ['가', '요', '?', ''])
  })

  for (const name of fixtureNames) {
    test(`${name}: same events whole, cut at every byte, and byte by byte`, () => {
      const buf = fixture(name)
      const expected = referenceEvents(buf.toString('utf8'))
      assert.deepEqual(parse([buf]), expected)
      assertSplitInvariant(buf, expected, name)
    })

    test(`${name}: CRLF and CR line ends give the same events, at every cut`, () => {
      const text = fixture(name).toString('utf8')
      const expected = referenceEvents(text)
      assertSplitInvariant(bytes(text.replaceAll('\n', '\r\n')), expected, `${name} CRLF`)
      assertSplitInvariant(bytes(text.replaceAll('\n', '\r')), expected, `${name} CR`)
    })
  }
})

describe('createSseParser framing (openai-node decoder cases)', () => {
  test('event name and data', () => {
    const events = parse([bytes('event: completion\n'), bytes('data: {"foo":true}\n'), bytes('\n')])
    assert.deepEqual(events, [{ data: '{"foo":true}', event: 'completion' }])
  })

  test('event without data is dispatched with empty data', () => {
    assert.deepEqual(parse([bytes('event: foo\n'), bytes('\n')]), [{ data: '', event: 'foo' }])
  })

  test('two events without data', () => {
    const events = parse([bytes('event: foo\n'), bytes('\n'), bytes('event: ping\n'), bytes('\n')])
    assert.deepEqual(events, [
      { data: '', event: 'foo' },
      { data: '', event: 'ping' },
    ])
  })

  test('multiple data lines, one empty, are joined with newlines', () => {
    const wire = 'data: {\ndata: "foo":\ndata: \ndata:\ndata: true}\n\n'
    const events = parse([bytes(wire)])
    assert.deepEqual(events, [{ data: '{\n"foo":\n\n\ntrue}', event: null }])
    assert.deepEqual(JSON.parse(events[0]?.data ?? ''), { foo: true })
  })

  test('JSON-escaped newlines stay escaped in data', () => {
    const events = parse([bytes('data: {"foo": "my long\\n\\ncontent"}\n\n')])
    assert.equal(JSON.parse(events[0]?.data ?? '').foo, 'my long\n\ncontent')
  })

  test('U+2028 inside data does not end a line', () => {
    const events = parse([
      bytes('data: {"content":"one"}\n\n'),
      bytes('data: {"content":"'),
      Buffer.from([0xe2, 0x80, 0xa8]),
      bytes('"}\n\ndata: {"content":"three"}\n\n'),
    ])
    assert.equal(events.length, 3)
    assert.equal(JSON.parse(events[1]?.data ?? '').content, '\u2028')
  })

  test('multi-byte characters split across chunks (Cyrillic)', () => {
    const word = bytes('известни')
    const events = parse([
      bytes('data: {"content": "'),
      word.subarray(0, 3),
      word.subarray(3, 9),
      Buffer.concat([word.subarray(9), bytes('"}\n')]),
      bytes('\n'),
    ])
    assert.equal(JSON.parse(events[0]?.data ?? '').content, 'известни')
  })
})

describe('createSseParser edge cases', () => {
  test('comment lines are ignored, including a keep-alive between events', () => {
    const events = parse([bytes(': ping\n\n:\ndata: a\n: mid-event comment\ndata: b\n\n')])
    assert.deepEqual(events, [{ data: 'a\nb', event: null }])
  })

  test('a leading BOM is dropped, even split over three chunks', () => {
    const wire = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('data: x\n\n')])
    const expected = [{ data: 'x', event: null }]
    assertSplitInvariant(wire, expected, 'BOM')
    assert.deepEqual(parse([wire.subarray(0, 1), wire.subarray(1, 2), wire.subarray(2)]), expected)
  })

  test('a BOM later in the stream is data, not dropped', () => {
    const events = parse([bytes('data: a\n\ndata: \uFEFFb\n\n')])
    assert.deepEqual(events, [
      { data: 'a', event: null },
      { data: '\uFEFFb', event: null },
    ])
  })

  test('no space after the colon; only one leading space is dropped', () => {
    const events = parse([bytes('data:x\n\nevent:e\ndata:  two\n\n')])
    assert.deepEqual(events, [
      { data: 'x', event: null },
      { data: ' two', event: 'e' },
    ])
  })

  test('a field without a colon has an empty value; unknown fields are ignored', () => {
    const events = parse([bytes('data\nid: 7\nretry: 100\nfoo: bar\ndata: z\n\n')])
    assert.deepEqual(events, [{ data: '\nz', event: null }])
  })

  test('CR between chunks followed by LF is one line end, not a blank line', () => {
    const events = parse([bytes('data: a\r'), bytes('\ndata: b\r'), bytes('\n\r'), bytes('\n')])
    assert.deepEqual(events, [{ data: 'a\nb', event: null }])
  })

  test('mixed CR, LF and CRLF in one stream', () => {
    const wire = bytes('data: 1\r\rdata: 2\n\ndata: 3\r\n\r\ndata: 4\r\n\n')
    assertSplitInvariant(
      wire,
      ['1', '2', '3', '4'].map((data) => ({ data, event: null })),
      'mixed',
    )
  })

  test('a 5 MB data line, whole and in 64 KiB network chunks', () => {
    const big = `{"content":"${'a'.repeat(5 * 1024 * 1024)}"}`
    const wire = bytes(`data: ${big}\n\ndata: [DONE]\n\n`)
    const expected = [
      { data: big, event: null },
      { data: '[DONE]', event: null },
    ]
    assert.deepEqual(parse([wire]), expected)
    const pieces: Buffer[] = []
    for (let at = 0; at < wire.length; at += 65_536) pieces.push(wire.subarray(at, at + 65_536))
    assert.deepEqual(parse(pieces), expected)
  })

  test('Korean and emoji split at every byte decode exactly', () => {
    const wire = bytes('data: {"content":"안녕하세요 👋🏽 😀"}\n\n')
    assertSplitInvariant(wire, [{ data: '{"content":"안녕하세요 👋🏽 😀"}', event: null }], 'korean+emoji')
  })

  test('invalid UTF-8 becomes U+FFFD and never throws', () => {
    const wire = Buffer.concat([
      bytes('data: a'),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
      bytes('b\n\n'),
    ])
    const events = parse(byteByByte(wire))
    assert.equal(events.length, 1)
    assert.equal(events[0]?.data, 'a\uFFFD\uFFFD(\uFFFDb')
    assert.deepEqual(parse([wire]), events)
  })

  test('at end of stream a complete pending event is dispatched, a truncated one is not', () => {
    assert.deepEqual(parse([bytes('data: [DONE]\n')]), [{ data: '[DONE]', event: null }])
    assert.deepEqual(parse([bytes('data: [DONE]')]), [{ data: '[DONE]', event: null }])
    assert.deepEqual(parse([bytes('data: {"a":1}')]), [{ data: '{"a":1}', event: null }])
    assert.deepEqual(parse([bytes('data: {"a":')]), [])
    assert.deepEqual(parse([bytes('data: a\n\ndata: {"trunc')]), [{ data: 'a', event: null }])
  })

  test('input after end() is ignored; empty chunks are harmless', () => {
    const events: SseEvent[] = []
    const parser = createSseParser((event) => events.push(event))
    parser.push(new Uint8Array(0))
    parser.push(bytes('data: a\n\n'))
    parser.end()
    parser.push(bytes('data: b\n\n'))
    parser.end()
    assert.deepEqual(events, [{ data: 'a', event: null }])
  })

  test('accepts a Uint8Array view that is not a Buffer', () => {
    const source = bytes('xxdata: v\n\n')
    const view = new Uint8Array(source.buffer, source.byteOffset + 2, source.length - 2)
    assert.deepEqual(parse([view]), [{ data: 'v', event: null }])
  })
})

describe('createSseParser token lane (whole token events without an SseEvent)', () => {
  const prefix = '{"choices":[{"delta":{"content":"'
  const suffix = '"}}]}'
  const token = (text: string) => `data: ${prefix}${text}${suffix}\n\n`
  const finish = 'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'

  /** Parses the pieces with a lane set from the start; returns what each side saw, in order. */
  function withLane(pieces: string[]): string[] {
    const seen: string[] = []
    const parser = createSseParser((event) => seen.push(`event ${event.data}`))
    // The lane is only tried after the stream's first line (a BOM may open it).
    parser.push(bytes(': open\n\n'))
    parser.setTokenLane({
      prefix,
      suffix,
      onToken: (source, start, end) => seen.push(`token ${source.substring(start, end)}`),
    })
    for (const piece of pieces) parser.push(bytes(piece))
    parser.end()
    return seen
  }

  test('tokens before and after a non-matching event in one read keep their order', () => {
    const seen = withLane([`${token('A') + token('B') + finish + token('C')}data: [DONE]\n\n`])
    assert.deepEqual(seen, [
      'token A',
      'token B',
      'event {"choices":[{"delta":{},"finish_reason":"stop"}]}',
      'token C',
      'event [DONE]',
    ])
  })

  test('many non-matching events, then tokens, escapes and a wrong suffix: read the same in one piece or many', () => {
    const other = (i: number) => `data: {"n":${i}}\n\n`
    let wire = ''
    const expected: string[] = []
    for (let i = 0; i < 50; i++) {
      wire += other(i)
      expected.push(`event {"n":${i}}`)
    }
    for (const text of ['x', 'yz', 'é']) {
      wire += token(text)
      expected.push(`token ${text}`)
    }
    // An escaped quote or a wrong suffix is not a plain token: the general path reads it.
    wire += `data: ${prefix}a\\"b${suffix}\n\ndata: ${prefix}q"}]}\n\n${token('end')}`
    expected.push(`event ${prefix}a\\"b${suffix}`, `event ${prefix}q"}]}`, 'token end')
    assert.deepEqual(withLane([wire]), expected)
    // In 7-character pieces an event cut before its blank line takes the general path (the
    // lane only takes whole events): the same texts arrive, some as events.
    const pieces: string[] = []
    for (let at = 0; at < wire.length; at += 7) pieces.push(wire.slice(at, at + 7))
    const plain = /^event \{"choices":\[\{"delta":\{"content":"([^"\\]+)"\}\}\]\}$/
    const asTokens = (seen: string[]) => seen.map((line) => line.replace(plain, 'token $1'))
    assert.deepEqual(asTokens(withLane(pieces)), expected)
    assert.ok(withLane(pieces).filter((line) => line.startsWith('token ')).length >= 2)
  })
})
