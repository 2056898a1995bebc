import { Command, InvalidArgumentError, Option, type OptionValues } from '@commander-js/extra-typings'
import { readToolVersion } from '../config/package-root.js'
import { type RunSetting, SETTINGS } from '../config/run-settings.js'
import { DEFAULT_SIM_OPTIONS as SIM } from '../sim/options.js'
import { registerCheckCommand } from './commands/check.js'
import { registerCompareCommand } from './commands/compare.js'
import { registerCompletionCommand } from './commands/completion.js'
import { registerK8sCommand } from './commands/k8s.js'
import { registerMergeCommand } from './commands/merge.js'
import type { RunFlags } from './commands/run.js'
import { SIM_HELP_AFTER } from './commands/sim.js'
import { registerSlurmCommand } from './commands/slurm.js'
import { registerSweepCommand } from './commands/sweep.js'
import type { ExitCode } from './exit-codes.js'
import type { Io } from './io.js'
import { addGateOptions } from './run-options/gates.js'
import { addOutputOptions } from './run-options/output.js'
import { addShardOptions } from './run-options/shards.js'
import { addSourceOptions } from './run-options/sources.js'
import { addTelemetryOptions } from './run-options/telemetry.js'
import { integer, number, settingOption } from './setting-option.js'

/** The BENCH_* variables and the flag each stands for, wrapped for an 80-column terminal. */
function envHelp(): string {
  const pairs = SETTINGS.flatMap((setting) =>
    setting.env === undefined ? [] : [`${setting.env} (${setting.flag})`],
  )
  const lines: string[] = []
  let line = 'Environment:'
  for (const pair of pairs) {
    if (line.length + pair.length + 2 > 80) {
      lines.push(`${line},`)
      line = `  ${pair}`
    } else line = line === 'Environment:' ? `${line} ${pair}` : `${line}, ${pair}`
  }
  lines.push(line)
  return lines.join('\n')
}

const configDirHelp =
  'folder with targets.yaml, models.yaml, workloads.yaml (default ./configs, else the bundled one)'
const tokenizerHelp = 'local tokenizer.json for counting tokens when the server sends no usage'

/**
 * The options `run` takes: every row of SETTINGS (a new flag is the kebab-case of its YAML
 * key), then the ones that only steer this process. Their values reach runCommand as
 * RunFlags; commander cannot type options added in a loop.
 */
export function addRunOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  for (const setting of SETTINGS) command.addOption(settingOption(setting))
  addSourceOptions(command)
  addTelemetryOptions(command)
  addGateOptions(command)
  addShardOptions(command)
  addOutputOptions(command)
  return command
    .option('--config-dir <dir>', configDirHelp)
    .option('--tokenizer <path>', tokenizerHelp)
    .option(
      '--litellm-config <path>',
      "LiteLLM proxy config.yaml to take the target's model groups from (replaces its litellm_config)",
    )
    .option('--no-probe', 'skip the capability probe (one short request) before the load')
    .option(
      '--workers <n>',
      'worker threads sending the load, one connection pool each (default: 1, more when the load is heavy and the machine has 4+ cores)',
      integer,
    )
    .addOption(
      new Option('--lang <lang>', 'UI language (default: from LANG/LC_ALL)').choices(['en', 'ko'] as const),
    )
}

export function buildProgram(io: Io, setExitCode: (code: ExitCode) => void) {
  const program = new Command('run-bench')
    .description('Benchmark OpenAI-compatible LLM servers under load: TTFT, latency, tokens/sec, failures')
    .version(readToolVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  run-bench                                   interactive dialog (Enter, Enter, Enter)
  run-bench run --target sim --workload smoke quick run against the built-in simulator
  run-bench run --target vllm-local --model qwen3-4b --workload high-load
  run-bench models --target litellm-local      what a server serves (LiteLLM: groups, upstreams)
  run-bench summarize results/raw/bench_*.jsonl
  run-bench report --format md,html`,
    )

  addRunOptions(
    program
      .command('run')
      .description('run one benchmark (flags override the workload from workloads.yaml)')
      .exitOverride(),
  )
    .addHelpText(
      'after',
      `
Defaults: target "sim", its first model, workload high-load-5min (300 s, 20 rps, 50 in flight,
max_tokens 1024, temperature 0.7, medium prompts), seed 42, results under ./results.
Precedence: built-in defaults < YAML < BENCH_* environment variables < flags.
${envHelp()}

Examples:
  run-bench run --target sim --workload smoke
  run-bench run --target vllm-local --model qwen3-coder-30b --workload stress-test
  run-bench run --target sim --duration 30 --rps 10 --concurrency 8 --max-tokens 128 --prompt-type short
  run-bench run --target sim --closed-loop --requests 100 --concurrency 16  # closed loop: 16 workers
  run-bench run --target http://127.0.0.1:8000/v1    # a server by URL, its first listed model
  run-bench run --target litellm-local --model all --workload smoke  # every model, then one comparison report`,
    )
    .action(async (options) => {
      const { runCommand } = await import('./commands/run.js')
      setExitCode(await runCommand(options as RunFlags, io))
    })

  program
    .command('interactive')
    .description('choose target, model and workload in a dialog, confirm, then run (the default command)')
    .option('--output-dir <dir>', 'where raw/, summary/ and reports/ go', 'results')
    .option('--config-dir <dir>', configDirHelp)
    .option('--tokenizer <path>', tokenizerHelp)
    .addOption(
      new Option('--lang <lang>', 'UI language (default: from LANG/LC_ALL)').choices(['en', 'ko'] as const),
    )
    .exitOverride()
    .addHelpText(
      'after',
      '\nExample:\n  run-bench            (no arguments: the same dialog)\n  run-bench interactive --lang ko',
    )
    .action(async (options) => {
      const { interactiveCommand } = await import('./commands/interactive.js')
      setExitCode(await interactiveCommand(options, io))
    })

  program
    .command('models')
    .description(
      'list the models each target serves: LiteLLM groups (proxy API or config.yaml), /v1/models, models.yaml',
    )
    .option('--target <name>', 'only this target (default: every target; unreachable ones are skipped)')
    .option('--config-dir <dir>', configDirHelp)
    .option(
      '--litellm-config <path>',
      "a LiteLLM proxy config.yaml: alone, list its groups; with --target, use it as that target's litellm_config",
    )
    .exitOverride()
    .addHelpText(
      'after',
      `
Columns: MODEL (what --model takes), PROVIDER MODEL (LiteLLM litellm_params.model), API BASE
(upstream, credentials masked), DEPLOYMENTS (in the group), SOURCE (proxy API, config file,
models.yaml, server).

Examples:
  run-bench models
  run-bench models --target litellm-local
  run-bench models --litellm-config litellm/config.yaml`,
    )
    .action(async (options) => {
      const { modelsCommand } = await import('./commands/models.js')
      setExitCode(await modelsCommand(options, io))
    })

  program
    .command('sim')
    .description('start the built-in simulated OpenAI-compatible LLM server')
    .option('--port <n>', 'port to listen on', integer, 8000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(
      '--max-batch-size <n>',
      'sequences decoded together (continuous batching)',
      integer,
      SIM.maxBatchSize,
    )
    .option('--decode-base-ms <ms>', 'time of one decode step with an empty batch', number, SIM.decodeBaseMs)
    .option(
      '--decode-per-seq-ms <ms>',
      'extra decode-step time per running sequence',
      number,
      SIM.decodePerSeqMs,
    )
    .option('--prefill-base-ms <ms>', 'fixed prefill cost per admitted request', number, SIM.prefillBaseMs)
    .option('--prefill-per-token-ms <ms>', 'prefill cost per prompt token', number, SIM.prefillPerTokenMs)
    .option('--error-rate <fraction>', 'fraction of requests that fail (0..1)', number, SIM.errorRate)
    .option('--faults <list>', 'comma list: http_429,http_500,error_event,stall,drop')
    .option('--seed <n>', 'seed of the simulator choices', integer, SIM.seed)
    .option('--prefix-cache-tokens <n>', 'model a prefix cache of n tokens (0 = off)', integer)
    .exitOverride()
    .addHelpText('after', SIM_HELP_AFTER)
    .action(async (options) => {
      const { simCommand } = await import('./commands/sim.js')
      setExitCode(await simCommand(options, io))
    })

  program
    .command('summarize')
    .description('summarize raw JSONL files into results/summary/*.csv and print the summary')
    .argument('<raw...>', 'results/raw/*.jsonl files')
    .addOption(new Option('--lang <lang>', 'UI language').choices(['en', 'ko'] as const))
    .exitOverride()
    .addHelpText(
      'after',
      '\nExample:\n  run-bench summarize results/raw/bench_sim_sim-llama-8b_smoke_20261128_140000.jsonl',
    )
    .action(async (raw, options) => {
      const { summarizeCommand } = await import('./commands/summarize.js')
      setExitCode(await summarizeCommand(raw, options, io))
    })

  program
    .command('report')
    .description('write reports comparing runs (default: every run under <output-dir>/raw)')
    .argument('[runs...]', 'raw files or folders holding them')
    .option('--format <list>', 'comma list of md,html,png,pdf', 'md,html')
    .addOption(
      new Option('--group-by <key>', 'comparison to lead with').choices([
        'workload',
        'model',
        'target',
      ] as const),
    )
    .option('--output-dir <dir>', 'results folder', 'results')
    .addOption(
      new Option('--lang <lang>', 'language of headings and labels (default: from LANG)').choices([
        'en',
        'ko',
      ] as const),
    )
    .exitOverride()
    .addHelpText(
      'after',
      '\nExamples:\n  run-bench report\n  run-bench report results/raw --format md,html,png,pdf\n  run-bench report --lang ko',
    )
    .action(async (runs, options) => {
      const { reportCommand } = await import('./commands/report.js')
      setExitCode(await reportCommand(runs, options, io))
    })

  const registered = program as unknown as Command
  registerCheckCommand(registered, io, setExitCode)
  registerCompareCommand(registered, io, setExitCode)
  registerSweepCommand(registered, io, setExitCode)
  registerMergeCommand(registered, io, setExitCode)
  registerSlurmCommand(registered, io, setExitCode)
  registerK8sCommand(registered, io, setExitCode)
  registerCompletionCommand(registered, io, setExitCode)
  return program
}
