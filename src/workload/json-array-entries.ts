// Splits the text of a top-level JSON array into its elements' texts, each with the line it
// starts on, without parsing them: a dataset with one broken conversation can then report
// that conversation's file:line and skip it instead of failing as a whole, as JSON.parse of
// the whole file would. Strings (with escapes) are tracked so brackets inside text count not.
import { ConfigError } from '../errors.js'

export function splitJsonArray(text: string, display: string): { text: string; line: number }[] {
  const start = text.search(/\S/)
  if (start < 0 || text[start] !== '[') {
    throw new ConfigError(`${display}: a ShareGPT dataset must be a JSON array of conversations`, {
      hint: 'name line-oriented files *.jsonl (one JSON object per line)',
    })
  }
  const pieces: { text: string; line: number }[] = []
  let line = 1
  for (let i = 0; i < start; i++) if (text[i] === '\n') line += 1
  let depth = 0
  let inString = false
  let elementStart = -1
  let elementLine = line
  const finish = (end: number) => {
    if (elementStart >= 0) pieces.push({ text: text.slice(elementStart, end), line: elementLine })
    elementStart = -1
  }
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i] as string
    if (char === '\n') line += 1
    if (inString) {
      if (char === '\\') i += 1
      else if (char === '"') inString = false
      continue
    }
    if (elementStart < 0 && depth === 0 && /\S/.test(char) && char !== ',' && char !== ']') {
      elementStart = i
      elementLine = line
    }
    if (char === '"') inString = true
    else if (char === '{' || char === '[') depth += 1
    else if ((char === '}' || char === ']') && depth > 0) depth -= 1
    else if (depth === 0 && char === ',') finish(i)
    else if (depth === 0 && char === ']') {
      finish(i)
      return pieces
    }
  }
  throw new ConfigError(
    `${display}:${line}: the JSON array is not closed (missing "]" or an unterminated string)`,
    {
      hint: 'check the end of the file',
    },
  )
}
