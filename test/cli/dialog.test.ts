import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { confirm, input, select } from '@inquirer/prompts'
import { render } from '@inquirer/testing'
import { type CustomField, parseCustomValue } from '../../src/cli/dialog/custom-workload.js'
import {
  type DialogAnswer,
  type DiscoverModels,
  type PromptFns,
  runDialog,
} from '../../src/cli/dialog/dialog.js'
import { localizeDescription } from '../../src/cli/dialog/dialog-messages.js'
import { needsTerminalError, runInteractive } from '../../src/cli/dialog/run-interactive.js'
import { settingsScreen } from '../../src/cli/dialog/settings-screen.js'
import type { Lang } from '../../src/cli/lang.js'
import type { LoadedConfig } from '../../src/config/load-config.js'
import type { ResolvedRun } from '../../src/config/resolve-run.js'
import { createCatalogDiscovery } from '../../src/discovery/model-catalog.js'
import { UsageError } from '../../src/errors.js'
import type { Model } from '../../src/types.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'

// The dialog is driven through the real @inquirer prompts, key by key: every prompt the
// dialog opens is rendered by @inquirer/testing's render() on a virtual terminal, and the
// test answers it like a user would.

type Handle = Awaited<ReturnType<typeof render>>

const config: LoadedConfig = {
  configDir: '/nonexistent/configs',
  files: [],
  targets: [
    {
      name: 'sim',
      description: 'Built-in simulator',
      kind: 'sim',
      baseUrl: '',
      headers: {},
      keepalive: true,
      sim: { models: ['sim-llama-8b'] },
    },
    {
      name: 'vllm-local',
      description: 'vLLM on this machine',
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      headers: {},
      keepalive: true,
    },
  ],
  models: [
    {
      name: 'sim-llama-8b',
      fullName: 'sim-llama-8b',
      description: 'Simulated Llama 8B',
      source: 'models.yaml',
    },
    {
      name: 'qwen3-4b',
      fullName: 'Qwen/Qwen3-4B',
      description: 'Qwen3 4B (light model)',
      source: 'models.yaml',
      targets: ['sim', 'vllm-local'],
    },
    {
      name: 'llama-70b',
      fullName: 'meta-llama/Llama-3.1-70B',
      description: 'Only on vLLM',
      source: 'models.yaml',
      targets: ['vllm-local'],
    },
  ],
  workloads: [
    {
      name: 'high-load-5min',
      description: '5-minute high-load performance test',
      durationSec: 300,
      rps: 20,
      arrival: 'constant',
      concurrency: 50,
      maxTokens: 1024,
      temperature: 0.7,
      promptType: 'medium',
      api: 'chat',
      ignoreEos: false,
    },
    {
      name: 'smoke',
      description: 'Quick check',
      durationSec: 10,
      rps: 2,
      arrival: 'constant',
      concurrency: 4,
      maxTokens: 64,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: false,
    },
    {
      name: 'closed-100',
      description: 'Closed loop, 100 requests',
      requests: 100,
      arrival: 'constant',
      concurrency: 8,
      maxTokens: 128,
      temperature: 0.7,
      promptType: 'long',
      api: 'chat',
      ignoreEos: false,
    },
  ],
  defaultWorkload: 'high-load-5min',
}

const OUTPUT_DIR = '/tmp/run-bench-dialog-test/results'

/** Prompts that render on a virtual terminal; `next()` hands the test the prompt now asking. */
function createDriver() {
  const handles: Handle[] = []
  let taken = 0
  let wake: (() => void) | null = null
  const drive =
    (prompt: unknown) =>
    (promptConfig: unknown): Promise<unknown> =>
      render(prompt as never, promptConfig as never).then((handle) => {
        handles.push(handle)
        wake?.()
        return handle.answer
      })
  const prompts = {
    select: drive(select),
    input: drive(input),
    confirm: drive(confirm),
  } as unknown as PromptFns
  /** The next question; fails instead of hanging when the dialog ends or throws first. */
  async function next(dialog: Promise<unknown>): Promise<Handle> {
    const ended = dialog.then(
      () => Promise.reject(new Error('The dialog ended before the next question')),
      (error: unknown) => Promise.reject(error),
    )
    ended.catch(() => {})
    while (handles.length <= taken) {
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), ended])
    }
    const handle = handles[taken++]
    assert.ok(handle)
    return handle
  }
  return { prompts, next }
}

function start(lang: Lang = 'en', extra: { discoverModels?: DiscoverModels } = {}) {
  const io = createFakeIo({ cwd: '/tmp', tty: true })
  const driver = createDriver()
  const dialog = runDialog({ config, lang, io, prompts: driver.prompts, outputDir: OUTPUT_DIR, ...extra })
  // Keeps an early rejection from being reported as unhandled before the test awaits it.
  dialog.catch(() => {})
  return { io, dialog, next: () => driver.next(dialog), driver }
}

/** Answers a question: keys in order, then Enter. */
async function answer(
  handle: Handle,
  ...keys: Array<string | { name: string; ctrl?: boolean }>
): Promise<string> {
  for (const key of keys) {
    if (typeof key === 'string') handle.events.type(key)
    else handle.events.keypress(key)
  }
  handle.events.keypress('enter')
  await handle.answer
  return handle.getScreen()
}

async function enterThrough(next: () => Promise<Handle>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await answer(await next())
}

function choiceOf(result: DialogAnswer | null) {
  assert.ok(result !== null, 'the dialog was cancelled')
  return result.choice
}

describe('runDialog', () => {
  test('Enter at every question picks the first target, its first model and the default workload', async () => {
    const { io, dialog, next } = start()
    const target = await next()
    assert.match(target.getScreen(), /📡 Choose the target server/)
    assert.match(
      target.getScreen(),
      /❯ 1\. sim: Built-in simulator\n {2}2\. vllm-local: vLLM on this machine/,
    )
    await answer(target)
    const model = await next()
    // llama-70b is meant for vllm-local only.
    assert.match(
      model.getScreen(),
      /❯ 1\. sim-llama-8b: Simulated Llama 8B\n {2}2\. qwen3-4b: Qwen3 4B \(light model\)\n/,
    )
    assert.doesNotMatch(model.getScreen(), /llama-70b/)
    await answer(model)
    const workload = await next()
    assert.match(
      workload.getScreen(),
      /❯ 1\. Use the default \(5-minute high-load test\)\n {2}2\. Choose a predefined workload\n {2}3\. Custom settings/,
    )
    await answer(workload)
    const confirmation = await next()
    assert.equal(confirmation.getScreen(), '? Start? (Y/n)')
    await answer(confirmation)

    assert.deepEqual(choiceOf(await dialog), {
      target: 'sim',
      model: 'sim-llama-8b',
      workload: 'high-load-5min',
      outputDir: OUTPUT_DIR,
    })
    const out = io.out()
    assert.match(out, /🚀 Run Bench - Interactive benchmark\n/)
    assert.match(out, /💡 Tip: press Enter to use the defaults \(5-minute high-load test\)\n/)
    assert.ok(
      out.includes(
        [
          '='.repeat(60),
          '📋 Benchmark settings',
          '='.repeat(60),
          '  Server: sim - Built-in simulator',
          '  Model: sim-llama-8b',
          '  Workload: high-load-5min - 5-minute high-load performance test',
          '    - Duration: 300 s (5 min)',
          '    - RPS: 20 (requests per second)',
          '    - Concurrency: 50',
          '    - Expected total requests: 6,000',
          '    - Max tokens: 1024',
          '    - Temperature: 0.7',
          '    - Prompt type: medium',
          '='.repeat(60),
        ].join('\n'),
      ),
      out,
    )
    assert.match(out, /🚀 Starting the benchmark!\n$/)
  })

  test('number keys and arrow keys move the selection', async () => {
    const { dialog, next } = start()
    await answer(await next(), '2')
    const model = await next()
    assert.match(model.getScreen(), /qwen3-4b.*\n.*llama-70b/)
    await answer(model, { name: 'down' }, { name: 'down' })
    await answer(await next(), '2')
    const predefined = await next()
    assert.match(predefined.getScreen(), /📦 Choose a workload/)
    assert.match(predefined.getScreen(), /2\. smoke: Quick check \(2 RPS, 4 concurrent, 10 s\)/)
    assert.match(
      predefined.getScreen(),
      /3\. closed-100: Closed loop, 100 requests \(closed loop, 8 concurrent, 100 requests\)/,
    )
    await answer(predefined, { name: 'down' }, { name: 'down' })
    await answer(await next())
    assert.deepEqual(choiceOf(await dialog), {
      target: 'vllm-local',
      model: 'llama-70b',
      workload: 'closed-100',
      outputDir: OUTPUT_DIR,
    })
  })

  test('custom settings show the default workload values and return what was typed', async () => {
    const { io, dialog, next } = start()
    await enterThrough(next, 2)
    await answer(await next(), '3')
    const duration = await next()
    assert.equal(duration.getScreen(), '? Duration (seconds) (300)')
    await answer(duration, '60')
    const rps = await next()
    assert.equal(rps.getScreen(), '? Requests per second (RPS, 0 = closed loop) (20)')
    await answer(rps, '12.5')
    const concurrency = await next()
    assert.equal(concurrency.getScreen(), '? Concurrency (max requests in flight) (50)')
    await answer(concurrency, '8')
    const maxTokens = await next()
    assert.equal(maxTokens.getScreen(), '? Max tokens per response (1024)')
    await answer(maxTokens, '256')
    const temperature = await next()
    assert.equal(temperature.getScreen(), '? Temperature (0-2) (0.7)')
    await answer(temperature, '0')
    const promptType = await next()
    assert.match(promptType.getScreen(), /1\. short.*\n.*❯ 2\. medium/)
    await answer(promptType, '1')
    await answer(await next())

    const result = await dialog
    // The answers go over the default workload; the run is named "custom" in its result files.
    assert.equal(result?.resolved.workload.name, 'custom')
    assert.equal(result?.resolved.workload.durationSec, 60)
    assert.deepEqual(choiceOf(result), {
      target: 'sim',
      model: 'sim-llama-8b',
      workload: 'high-load-5min',
      durationSec: 60,
      rps: 12.5,
      concurrency: 8,
      maxTokens: 256,
      temperature: 0,
      promptType: 'short',
      outputDir: OUTPUT_DIR,
    })
    const out = io.out()
    assert.match(out, / {2}Workload: custom - your own values over high-load-5min\n/)
    assert.match(out, / {4}- Duration: 60 s \(1 min\)\n {4}- RPS: 12.5 \(requests per second\)\n/)
    // 12.5 req/s × 60 s = 750.
    assert.match(out, / {4}- Expected total requests: 750\n/)
    assert.match(out, / {4}- Prompt type: short\n/)
  })

  test('custom rps 0 is a closed loop: the rate is dropped and the screen says so', async () => {
    const { io, dialog, next } = start()
    await enterThrough(next, 2)
    await answer(await next(), '3')
    await answer(await next(), '60')
    await answer(await next(), '0')
    await answer(await next(), '4')
    await enterThrough(next, 4)
    const result = await dialog
    assert.equal(result?.resolved.workload.rps, undefined)
    assert.equal(result?.resolved.workload.concurrency, 4)
    assert.equal(result?.choice.closedLoop, true)
    assert.equal(result?.choice.rps, undefined)
    assert.match(
      io.out(),
      / {4}- RPS: none \(closed loop: 4 workers, each sends when its last request ends\)\n/,
    )
  })

  test('custom settings keep the defaults on Enter', async () => {
    const { dialog, next } = start()
    await enterThrough(next, 2)
    await answer(await next(), '3')
    await enterThrough(next, 7)
    assert.deepEqual(choiceOf(await dialog), {
      target: 'sim',
      model: 'sim-llama-8b',
      workload: 'high-load-5min',
      durationSec: 300,
      rps: 20,
      concurrency: 50,
      maxTokens: 1024,
      temperature: 0.7,
      promptType: 'medium',
      outputDir: OUTPUT_DIR,
    })
  })

  test('an invalid custom value is asked again with the reason', async () => {
    const { dialog, next } = start()
    await enterThrough(next, 2)
    await answer(await next(), '3')
    await answer(await next(), '30')
    const rps = await next()
    const clear = (count: number) => Array.from({ length: count }, () => ({ name: 'backspace' }))
    rps.events.type('-3')
    rps.events.keypress('enter')
    await rps.nextRender()
    assert.equal(
      rps.getScreen(),
      '? Requests per second (RPS, 0 = closed loop) -3\n> Must be greater than 0 (got -3)',
    )
    for (const key of clear(2)) rps.events.keypress(key)
    rps.events.type('abc')
    rps.events.keypress('enter')
    await rps.nextRender()
    assert.equal(
      rps.getScreen(),
      '? Requests per second (RPS, 0 = closed loop) abc\n> Not a number ("abc"): enter a number such as 10',
    )
    await answer(rps, ...clear(3), '4')

    const concurrency = await next()
    concurrency.events.type('2.5')
    concurrency.events.keypress('enter')
    await concurrency.nextRender()
    assert.match(concurrency.getScreen(), /> Must be a whole number \(got 2\.5\)$/)
    await answer(concurrency, ...clear(3), '2')
    await answer(await next())
    const temperature = await next()
    temperature.events.type('2.5')
    temperature.events.keypress('enter')
    await temperature.nextRender()
    assert.match(temperature.getScreen(), /> Must be between 0 and 2 \(got 2\.5\)$/)
    await answer(temperature, ...clear(3), '2')
    await enterThrough(next, 2)

    const choice = choiceOf(await dialog)
    assert.equal(choice.durationSec, 30)
    assert.equal(choice.rps, 4)
    assert.equal(choice.concurrency, 2)
    assert.equal(choice.temperature, 2)
  })

  test('Korean: banner, tip, questions, settings and confirmation', async () => {
    const { io, dialog, next } = start('ko')
    const target = await next()
    assert.match(target.getScreen(), /📡 벤치마크 대상 서버 선택/)
    assert.match(target.getScreen(), /↑↓ 이동 • 숫자로 바로 이동 • ⏎ 선택/)
    await answer(target)
    const model = await next()
    assert.match(model.getScreen(), /🤖 테스트 모델 선택/)
    await answer(model)
    const workload = await next()
    assert.match(
      workload.getScreen(),
      /⚙️ {2}워크로드 설정\n❯ 1\. 기본 설정 사용 \(5분 고부하 테스트\)\n {2}2\. 사전 정의된 워크로드 선택\n {2}3\. 커스텀 설정/,
    )
    await answer(workload, '3')
    const duration = await next()
    assert.equal(duration.getScreen(), '? 테스트 시간 (초) (300)')
    await answer(duration, '600')
    const rps = await next()
    rps.events.type('-1')
    rps.events.keypress('enter')
    await rps.nextRender()
    assert.equal(rps.getScreen(), '? 초당 요청 수 (RPS, 0 = 폐쇄 루프) -1\n> 0보다 커야 합니다 (입력값: -1)')
    await answer(rps, { name: 'backspace' }, { name: 'backspace' }, '50')
    await answer(await next(), '100')
    await enterThrough(next, 3)
    const confirmation = await next()
    assert.equal(confirmation.getScreen(), '? 시작하시겠습니까? (Y/n)')
    await answer(confirmation)
    choiceOf(await dialog)

    const out = io.out()
    assert.match(out, /🚀 Run Bench - 대화형 벤치마크 실행\n/)
    assert.match(out, /💡 팁: 엔터만 치면 기본값 사용 \(5분 고부하 테스트\)\n/)
    assert.match(out, /🛠️ {2}커스텀 설정 \(엔터를 치면 괄호 안의 값 사용\)\n/)
    assert.ok(
      out.includes(
        [
          '📋 벤치마크 설정 확인',
          '='.repeat(60),
          '  서버: sim - Built-in simulator',
          '  모델: sim-llama-8b',
          '  워크로드: custom - high-load-5min 기반 커스텀 설정',
          '    - 시간: 600초 (10분)',
          '    - RPS: 50 (초당 요청 수)',
          '    - 동시성: 100',
          '    - 예상 총 요청: 30,000개',
          '    - 최대 토큰: 1024',
          '    - Temperature: 0.7',
          '    - 프롬프트 타입: medium',
        ].join('\n'),
      ),
      out,
    )
    assert.match(out, /🚀 벤치마크 시작!\n$/)
  })

  test('discovered models are listed after the configured ones, each name once', async () => {
    const discovered: Model[] = [
      { name: 'qwen3-4b', fullName: 'qwen3-4b', description: '', source: 'server' },
      {
        name: 'served-only',
        fullName: 'served-only',
        description: 'hosted_vllm/served',
        source: 'proxy API',
      },
    ]
    const asked: string[] = []
    const { io, dialog, next } = start('en', {
      discoverModels: async (target) => {
        asked.push(target.name)
        return discovered
      },
    })
    await answer(await next(), '2')
    const model = await next()
    assert.deepEqual(asked, ['vllm-local'])
    assert.match(
      model.getScreen(),
      /1\. sim-llama-8b: Simulated Llama 8B\n {2}2\. qwen3-4b: Qwen3 4B \(light model\)\n {2}3\. llama-70b: Only on vLLM\n {2}4\. served-only: hosted_vllm\/served\n/,
    )
    await answer(model, '4')
    await enterThrough(next, 2)
    const result = await dialog
    assert.equal(choiceOf(result).model, 'served-only')
    assert.equal(result?.resolved.model.fullName, 'served-only')
    assert.match(io.out(), /🔎 Asking vllm-local which models it serves\.\.\.\n/)
  })

  test('the built-in simulator is not asked (it is not running yet)', async () => {
    const asked: string[] = []
    const { io, dialog, next } = start('en', {
      discoverModels: async (target) => {
        asked.push(target.name)
        return []
      },
    })
    await enterThrough(next, 4)
    assert.equal(choiceOf(await dialog).model, 'sim-llama-8b')
    assert.deepEqual(asked, [])
    assert.doesNotMatch(io.out(), /🔎/)
  })

  test('a failing discovery is a one-line note and the configured models remain', async () => {
    const { io, dialog, next } = start('en', {
      discoverModels: async () => {
        throw new Error('GET http://127.0.0.1:9/v1/models: connection refused\n  at somewhere')
      },
    })
    await answer(await next(), '2')
    const model = await next()
    assert.match(
      model.getScreen(),
      /1\. sim-llama-8b: Simulated Llama 8B\n {2}2\. qwen3-4b: Qwen3 4B \(light model\)\n {2}3\. llama-70b: Only on vLLM\n\n/,
    )
    await answer(model)
    await enterThrough(next, 2)
    assert.equal(choiceOf(await dialog).model, 'sim-llama-8b')
    assert.ok(
      io
        .out()
        .includes(
          "\n⚠️  Could not list the server's models (GET http://127.0.0.1:9/v1/models: connection refused): showing the configured models only\n",
        ),
      io.out(),
    )
  })

  test("createCatalogDiscovery lists a real server's /v1/models, sending the key from api_key_env", async () => {
    const seen: Array<string | undefined> = []
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`)
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          object: 'list',
          data: [
            { id: 'Qwen/Qwen3-4B', object: 'model' },
            { id: 'mistral-7b', object: 'model', root: '/models/mistral-7b' },
          ],
        }),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const withServer: LoadedConfig = {
        ...config,
        targets: config.targets.map((t) =>
          t.name === 'vllm-local'
            ? { ...t, baseUrl: `http://127.0.0.1:${port}/v1`, apiKeyEnv: 'VLLM_KEY' }
            : t,
        ),
      }
      const io = createFakeIo({ cwd: '/tmp', tty: true, env: { VLLM_KEY: 'sk-test' } })
      const driver = createDriver()
      const dialog = runDialog({
        config: withServer,
        lang: 'en',
        io,
        prompts: driver.prompts,
        discoverModels: createCatalogDiscovery(io.env),
      })
      dialog.catch(() => {})
      await answer(await driver.next(dialog), '2')
      const model = await driver.next(dialog)
      // Qwen/Qwen3-4B is the served name of the configured qwen3-4b: listed once, as the alias.
      assert.match(
        model.getScreen(),
        /1\. sim-llama-8b: Simulated Llama 8B\n {2}2\. qwen3-4b: Qwen3 4B \(light model\)\n {2}3\. llama-70b: Only on vLLM\n {2}4\. mistral-7b: \/models\/mistral-7b \(1 deployment\)\n/,
      )
      await answer(model, '4')
      await answer(await driver.next(dialog))
      await answer(await driver.next(dialog))
      assert.equal(choiceOf(await dialog).model, 'mistral-7b')
      assert.deepEqual(seen, ['GET /v1/models Bearer sk-test'])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('runInteractive', () => {
  function interactive(lang: Lang) {
    const io: FakeIo = createFakeIo({ cwd: '/tmp', tty: true })
    const driver = createDriver()
    const started: DialogAnswer[] = []
    const result = runInteractive({
      config,
      lang,
      io,
      prompts: driver.prompts,
      outputDir: OUTPUT_DIR,
      start: async (answer) => {
        started.push(answer)
        return 0
      },
    })
    result.catch(() => {})
    return { io, result, started, next: () => driver.next(result) }
  }

  test('"n" at "Start?" cancels: exit 0, nothing started', async () => {
    const { io, result, started, next } = interactive('en')
    await enterThrough(next, 3)
    const confirmation = await next()
    assert.equal(await answer(confirmation, 'n'), '✔ Start? No')
    assert.equal(await result, 0)
    assert.deepEqual(started, [])
    assert.match(io.out(), /\nCancelled\n$/)
  })

  test('Ctrl-C at a question cancels: exit 130, "취소되었습니다", nothing started', async () => {
    const { io, result, started, next } = interactive('ko')
    await answer(await next())
    const model = await next()
    model.events.keypress({ name: 'c', ctrl: true })
    assert.equal(await result, 130)
    assert.deepEqual(started, [])
    assert.match(io.out(), /\n취소되었습니다\n$/)
    assert.equal(io.err(), '')
  })

  test('Ctrl-C while typing a custom value cancels too', async () => {
    const { io, result, next } = interactive('en')
    await enterThrough(next, 2)
    await answer(await next(), '3')
    const duration = await next()
    duration.events.type('12')
    duration.events.keypress({ name: 'c', ctrl: true })
    assert.equal(await result, 130)
    assert.match(io.out(), /\nCancelled\n$/)
  })

  test('all Enter starts the run with the resolved default workload', async () => {
    const { result, started, next } = interactive('en')
    await enterThrough(next, 4)
    assert.equal(await result, 0)
    assert.equal(started.length, 1)
    const resolved = started[0]?.resolved
    assert.equal(resolved?.target.name, 'sim')
    assert.equal(resolved?.model.fullName, 'sim-llama-8b')
    assert.equal(resolved?.workload.name, 'high-load-5min')
    assert.equal(resolved?.workload.rps, 20)
    assert.equal(resolved?.outputDir, OUTPUT_DIR)
  })
})

describe('needsTerminalError', () => {
  test('says the dialog needs a terminal and shows the flags that run the defaults', () => {
    const error = needsTerminalError(config, 'en')
    assert.ok(error instanceof UsageError)
    assert.equal(error.message, 'The interactive dialog needs a terminal, and stdin is not one')
    assert.equal(
      error.hint,
      'run it in a terminal, or give the settings as flags: run-bench run --target sim --model sim-llama-8b --workload high-load-5min',
    )
  })

  test('in Korean', () => {
    const error = needsTerminalError(config, 'ko')
    assert.equal(error.message, '대화형 실행에는 터미널이 필요한데, 표준 입력이 터미널이 아닙니다')
    assert.match(
      error.hint ?? '',
      /^터미널에서 실행하거나, 설정을 옵션으로 지정하세요: run-bench run --target sim/,
    )
  })
})

describe('parseCustomValue', () => {
  const cases: Array<[CustomField, string, ReturnType<typeof parseCustomValue>]> = [
    ['durationSec', '60', { ok: true, value: 60 }],
    ['durationSec', ' 2.5 ', { ok: true, value: 2.5 }],
    ['rps', '1e1', { ok: true, value: 10 }],
    ['rps', '0x10', { ok: false, problem: { kind: 'not_a_number', received: '0x10' } }],
    ['rps', '', { ok: false, problem: { kind: 'not_a_number', received: '' } }],
    // 0 asks for a closed loop (issue 12); below 0 is still refused.
    ['rps', '0', { ok: true, value: 0 }],
    ['rps', '-1', { ok: false, problem: { kind: 'not_positive', received: '-1' } }],
    ['concurrency', '8', { ok: true, value: 8 }],
    ['concurrency', '8.0', { ok: true, value: 8 }],
    ['maxTokens', '0.5', { ok: false, problem: { kind: 'not_integer', received: '0.5' } }],
    ['temperature', '0', { ok: true, value: 0 }],
    ['temperature', '2', { ok: true, value: 2 }],
    [
      'temperature',
      '-0.1',
      { ok: false, problem: { kind: 'out_of_range', received: '-0.1', min: 0, max: 2 } },
    ],
  ]
  for (const [field, text, expected] of cases) {
    test(`${field} "${text}"`, () => assert.deepEqual(parseCustomValue(field, text), expected))
  }
})

describe('localizeDescription', () => {
  const bilingual = '5분 고부하 성능 테스트 / 5-minute high-load test'
  test('shows the half of a "한국어 / English" description in the UI language', () => {
    assert.equal(localizeDescription(bilingual, 'ko'), '5분 고부하 성능 테스트')
    assert.equal(localizeDescription(bilingual, 'en'), '5-minute high-load test')
  })
  test('leaves other descriptions alone', () => {
    assert.equal(
      localizeDescription('hosted_vllm/qwen / openai/qwen', 'en'),
      'hosted_vllm/qwen / openai/qwen',
    )
    assert.equal(localizeDescription('Qwen3 4B (small model)', 'ko'), 'Qwen3 4B (small model)')
  })
})

describe('settingsScreen', () => {
  const closedLoop = config.workloads[2]
  const target = config.targets[1]
  assert.ok(closedLoop && target)
  const resolved: ResolvedRun = {
    target,
    model: {
      name: 'llama-70b',
      fullName: 'meta-llama/Llama-3.1-70B',
      description: '',
      source: 'models.yaml',
    },
    workload: closedLoop,
    seed: 42,
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 },
    outputDir: OUTPUT_DIR,
    graceMs: 1,
  }
  test('a count-bound closed loop shows its requests and workers instead of a rate', () => {
    assert.deepEqual(settingsScreen(resolved, null, 'en').slice(3, -1), [
      '  Server: vllm-local - vLLM on this machine',
      '  Model: meta-llama/Llama-3.1-70B',
      '  Workload: closed-100 - Closed loop, 100 requests',
      '    - Requests: 100',
      '    - RPS: none (closed loop: 8 workers, each sends when its last request ends)',
      '    - Concurrency: 8',
      '    - Expected total requests: 100',
      '    - Max tokens: 128',
      '    - Temperature: 0.7',
      '    - Prompt type: long',
    ])
  })
  test('in Korean, with a duration of 90 s spelled out', () => {
    const timed = { ...resolved, workload: { ...closedLoop, durationSec: 90 } }
    assert.deepEqual(settingsScreen(timed, null, 'ko').slice(6, 10), [
      '    - 시간: 90초 (1분 30초)',
      '    - 요청 수: 100개',
      '    - RPS: 없음 (폐쇄 루프: 워커 8개가 각자 이전 요청이 끝나면 다음 요청을 보냄)',
      '    - 동시성: 8',
    ])
  })
})
