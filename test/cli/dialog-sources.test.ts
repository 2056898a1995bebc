// The dialog offers the shipped prompt-source workloads (issue 16): it lists workloads.yaml as
// it is, so chat-multiturn, rag-long-prefix, random-1k-in-128-out and trace-replay appear and
// can be chosen. Driven through the real @inquirer prompts on a virtual terminal.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { confirm, input, select } from '@inquirer/prompts'
import { render } from '@inquirer/testing'
import { type PromptFns, runDialog } from '../../src/cli/dialog/dialog.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createFakeIo } from '../support/fake-io.js'

type Handle = Awaited<ReturnType<typeof render>>

describe('dialog with the shipped workloads', () => {
  test('lists the prompt-source workloads and starts the one chosen', async () => {
    const config = loadConfig({
      configDir: fileURLToPath(new URL('../../configs/', import.meta.url)),
      env: {},
    })
    const handles: Handle[] = []
    let wake: (() => void) | null = null
    const drive = (prompt: unknown) => (promptConfig: unknown) =>
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
    const io = createFakeIo({ cwd: '/tmp', tty: true })
    const dialog = runDialog({ config, lang: 'en', io, prompts, outputDir: '/tmp/run-bench-dialog-sources' })
    dialog.catch(() => {})
    let taken = 0
    const next = async (): Promise<Handle> => {
      while (handles.length <= taken) await new Promise<void>((resolve) => (wake = resolve))
      return handles[taken++] as Handle
    }
    const answer = async (handle: Handle, ...keys: Array<string | { name: string }>) => {
      for (const key of keys) {
        if (typeof key === 'string') handle.events.type(key)
        else handle.events.keypress(key)
      }
      handle.events.keypress('enter')
      await handle.answer
    }
    await answer(await next()) // target: sim
    await answer(await next()) // model: the first
    await answer(await next(), '2') // a predefined workload
    const list = await next()
    const screen = list.getScreen()
    for (const name of ['random-1k-in-128-out', 'chat-multiturn', 'rag-long-prefix', 'trace-replay'])
      assert.match(screen, new RegExp(`\\d+\\. ${name}: `), screen)
    // From the default (first) down to chat-multiturn, the 8th.
    await answer(list, ...Array.from({ length: 7 }, () => ({ name: 'down' })))
    await answer(await next()) // Start? yes
    const result = await dialog
    assert.equal(result?.choice.workload, 'chat-multiturn')
  })
})
