// Issue 12 item 14: `run-bench completion bash|zsh` completes every command and every run
// flag, generated from commander's tree (a flag added later completes without an edit).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, test } from 'node:test'
import type { Command } from '@commander-js/extra-typings'
import { main } from '../../src/cli/main.js'
import { buildProgram } from '../../src/cli/program.js'
import { createFakeIo } from '../support/fake-io.js'

async function script(shell: string): Promise<string> {
  const io = createFakeIo({ cwd: '/' })
  assert.equal(await main(['completion', shell], io), 0, io.err())
  return io.out()
}

function program(): Command {
  return buildProgram(createFakeIo({ cwd: '/' }), () => {}) as unknown as Command
}

/** The words bash offers after `run-bench <words…>` (the last word is being completed). */
function complete(text: string, words: string[]): string[] {
  const line = ['run-bench', ...words]
  const source = `${text}
COMP_WORDS=(${line.map((word) => `'${word}'`).join(' ')})
COMP_CWORD=${line.length - 1}
_run_bench
printf '%s\\n' "\${COMPREPLY[@]}"`
  const result = spawnSync('bash', ['-c', source], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  return result.stdout.split('\n').filter((word) => word !== '')
}

describe('shell completion', () => {
  test("the bash script's word lists hold every command and every run flag", async () => {
    const text = await script('bash')
    const commands = program().commands.map((command) => command.name())
    assert.ok(commands.includes('run') && commands.includes('completion'))
    const top = complete(text, [''])
    for (const name of commands) assert.ok(top.includes(name), `top level lacks ${name}`)
    const run = program().commands.find((command) => command.name() === 'run')
    const flags = run?.options.flatMap((option) => (option.long === undefined ? [] : [option.long])) ?? []
    assert.ok(flags.includes('--base-url') && flags.includes('--json') && flags.includes('--closed-loop'))
    const offered = complete(text, ['run', '--'])
    for (const flag of flags) assert.ok(offered.includes(flag), `run lacks ${flag}`)
  })

  test('values complete for flags with choices, and a prefix narrows the list', async () => {
    const text = await script('bash')
    assert.deepEqual(complete(text, ['run', '--prompt-type', '']), ['short', 'medium', 'long'])
    assert.deepEqual(complete(text, ['run', '--conc']), ['--concurrency'])
    assert.deepEqual(complete(text, ['--lang', 'ko', 'summ']), ['summarize'])
    assert.deepEqual(complete(text, ['completion', '']).slice(0, 2), ['bash', 'zsh'])
  })

  test('zsh gets the same completion through bashcompinit; another shell is refused', async () => {
    const text = await script('zsh')
    assert.match(text, /^#compdef run-bench\n/)
    assert.match(text, /autoload -U \+X bashcompinit && bashcompinit\n/)
    assert.match(text, /complete -o default -F _run_bench run-bench\n$/)
    const io = createFakeIo({ cwd: '/' })
    assert.equal(await main(['completion', 'fish'], io), 2)
    assert.match(io.err(), /Allowed choices are bash, zsh/)
  })
})
