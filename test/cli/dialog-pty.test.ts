import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// The real binary under a real pseudo-terminal (tmux): raw-mode keys, Ctrl-C as a key, and
// the hand-over from the dialog to the run, which an in-process test cannot show. The config
// is a tiny one of its own: one simulator target and a 2-second default workload.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'src', 'cli', 'bin.ts')
// Absolute, so the binary also starts from a working directory without node_modules.
const TSX = import.meta.resolve('tsx')
const hasTmux = spawnSync('tmux', ['-V']).status === 0
// A private tmux server on a socket inside the test's temp folder: nothing here touches the
// user's own sessions, and removing the folder removes the socket.
let socket = ''

const CONFIG = {
  'targets.yaml': `targets:
  - name: sim
    description: Built-in simulator
    kind: sim
    sim:
      models: [sim-llama-8b]
      decode_base_ms: 1
      decode_per_seq_ms: 0.1
`,
  'models.yaml': `models:
  - name: sim-llama-8b
    description: Simulated Llama 8B
`,
  'workloads.yaml': `workloads:
  - name: tiny
    description: 2-second check
    duration: 2
    rps: 5
    concurrency: 4
    max_tokens: 16
    prompt_type: short
defaults:
  default_workload: tiny
`,
}

function writeConfig(dir: string): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(CONFIG)) writeFileSync(join(dir, name), text)
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' })
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * Starts `command` in a 200×50 tmux window. The exit status is printed as "EXIT:<n>" and the
 * window stays open afterwards so the screen can still be read.
 */
function startInTerminal(session: string, cwd: string, env: Record<string, string>, command: string[]): void {
  const exports = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`)
  const line = `cd ${shellQuote(cwd)} && env ${exports.join(' ')} ${command.map(shellQuote).join(' ')}; echo "EXIT:$?"; sleep 600`
  tmux('new-session', '-d', '-x', '200', '-y', '50', '-s', session, line)
}

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', session)
}

async function waitFor(session: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const text = screen(session)
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`Timed out waiting for ${pattern} on the terminal:\n${text}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function keys(session: string, ...names: string[]): void {
  tmux('send-keys', '-t', session, ...names)
}

describe('interactive dialog in a terminal', {
  skip: hasTmux ? false : 'tmux is not installed (apt-get install tmux)',
}, () => {
  let dir = ''
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-bench-dialog-pty-'))
    socket = join(dir, 'tmux.sock')
  })
  after(() => {
    // Ends only the tmux server this file started (its own socket).
    spawnSync('tmux', ['-S', socket, 'kill-server'])
    rmSync(dir, { recursive: true, force: true })
  })

  test('Enter through every question runs the default workload and writes the result files', async () => {
    const configDir = join(dir, 'en-configs')
    const outputDir = join(dir, 'en-results')
    writeConfig(configDir)
    startInTerminal('en', ROOT, { LANG: 'en_US.UTF-8' }, [
      process.execPath,
      '--import',
      TSX,
      BIN,
      'interactive',
      '--lang',
      'en',
      '--config-dir',
      configDir,
      '--output-dir',
      outputDir,
    ])
    // Starting node + tsx on a busy machine takes a few seconds.
    await waitFor('en', /Choose the target server/, 30_000)
    keys('en', 'Enter')
    await waitFor('en', /Choose the model/, 5_000)
    keys('en', 'Enter')
    await waitFor('en', /Workload/, 5_000)
    keys('en', 'Enter')
    const settings = await waitFor('en', /Start\? \(Y\/n\)/, 5_000)
    assert.match(settings, /Tip: press Enter to use the defaults \(2-second check\)/)
    assert.match(settings, / {4}- Expected total requests: 10\n/)
    keys('en', 'Enter')
    const end = await waitFor('en', /EXIT:\d+/, 30_000)

    assert.match(end, /🚀 Starting the benchmark!/)
    assert.match(end, /✅ Done: 10 requests, 10 succeeded \(100\.0%\)/)
    assert.match(end, /EXIT:0/)
    const raw = readdirSync(join(outputDir, 'raw'))
    const jsonl = raw.filter((name) => name.endsWith('.jsonl'))
    assert.equal(jsonl.length, 1, raw.join(', '))
    assert.match(jsonl[0] ?? '', /^bench_sim_sim-llama-8b_tiny_\d{8}_\d{6}\.jsonl$/)
    const lines = readFileSync(join(outputDir, 'raw', jsonl[0] ?? ''), 'utf8')
      .trim()
      .split('\n')
    assert.equal(lines.length, 10)
    assert.ok(raw.some((name) => name.endsWith('.meta.json')))
    assert.ok(readdirSync(join(outputDir, 'summary')).some((name) => name.endsWith('.csv')))
  })

  test('custom values typed in the terminal run; Ctrl-C during the run stops it with exit 130', async () => {
    const configDir = join(dir, 'custom-configs')
    const outputDir = join(dir, 'custom-results')
    writeConfig(configDir)
    startInTerminal('custom', ROOT, { LANG: 'en_US.UTF-8' }, [
      process.execPath,
      '--import',
      TSX,
      BIN,
      'interactive',
      '--lang',
      'en',
      '--config-dir',
      configDir,
      '--output-dir',
      outputDir,
    ])
    await waitFor('custom', /Choose the target server/, 30_000)
    keys('custom', 'Enter')
    await waitFor('custom', /Choose the model/, 5_000)
    keys('custom', 'Enter')
    await waitFor('custom', /Workload/, 5_000)
    keys('custom', '3', 'Enter')
    await waitFor('custom', /Duration \(seconds\) \(2\)/, 5_000)
    keys('custom', '20', 'Enter')
    await waitFor('custom', /Requests per second \(RPS, 0 = closed loop\) \(5\)/, 5_000)
    keys('custom', 'abc', 'Enter')
    await waitFor('custom', /Not a number \("abc"\)/, 5_000)
    keys('custom', 'BSpace', 'BSpace', 'BSpace', '4', 'Enter')
    for (const question of [/Concurrency/, /Max tokens/, /Temperature/, /Prompt type/]) {
      await waitFor('custom', question, 5_000)
      keys('custom', 'Enter')
    }
    const settings = await waitFor('custom', /Start\? \(Y\/n\)/, 5_000)
    assert.match(
      settings,
      / {2}Workload: custom - your own values over tiny\n {4}- Duration: 20 s\n {4}- RPS: 4 /,
    )
    keys('custom', 'Enter')
    // Once the dialog has let go of the terminal, Ctrl-C is a signal the run handles.
    await waitFor('custom', /Progress: [1-9]/, 15_000)
    keys('custom', 'C-c')
    const end = await waitFor('custom', /EXIT:\d+/, 20_000)

    assert.match(end, /Interrupted \(interrupted by SIGINT\)/)
    assert.match(end, /EXIT:130/)
    const raw = readdirSync(join(outputDir, 'raw'))
    assert.ok(
      raw.some((name) => /^bench_sim_sim-llama-8b_custom_\d{8}_\d{6}\.jsonl$/.test(name)),
      raw.join(', '),
    )
  })

  test('`run-bench` with no arguments opens the dialog; Ctrl-C cancels in Korean with exit 130', async () => {
    const cwd = join(dir, 'ko-cwd')
    writeConfig(join(cwd, 'configs'))
    startInTerminal('ko', cwd, { LANG: 'ko_KR.UTF-8' }, [process.execPath, '--import', TSX, BIN])
    await waitFor('ko', /벤치마크 대상 서버 선택/, 30_000)
    keys('ko', 'Enter')
    await waitFor('ko', /테스트 모델 선택/, 5_000)
    keys('ko', 'C-c')
    const end = await waitFor('ko', /EXIT:\d+/, 10_000)

    assert.match(end, /🚀 Run Bench - 대화형 벤치마크 실행/)
    assert.match(end, /\n취소되었습니다\nEXIT:130/)
    assert.doesNotMatch(end, /\n\s+at /, 'no stack trace')
    assert.equal(existsSync(join(cwd, 'results')), false, 'nothing ran')
  })

  test('without a terminal the dialog refuses with exit 2 and shows the equivalent flags', () => {
    const cwd = join(dir, 'no-tty-cwd')
    writeConfig(join(cwd, 'configs'))
    const result = spawnSync(process.execPath, ['--import', TSX, BIN], {
      cwd,
      env: { ...process.env, LANG: 'en_US.UTF-8' },
      input: '',
      encoding: 'utf8',
    })
    assert.equal(result.status, 2, result.stderr)
    assert.equal(
      result.stderr,
      'Error: The interactive dialog needs a terminal, and stdin is not one\n' +
        'Hint: run it in a terminal, or give the settings as flags: run-bench run --target sim --model sim-llama-8b --workload tiny\n',
    )
  })
})
