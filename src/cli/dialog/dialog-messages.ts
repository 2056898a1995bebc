import type { Workload } from '../../types.js'
import { formatCount, type Lang } from '../lang.js'
import type { Problem } from './custom-workload.js'

// Every text of the interactive dialog, in both languages. The Korean wording follows the
// original tool's dialog (README "대화형 인터페이스 예시") wherever it has one.

export interface DialogMessages {
  banner: string
  tip: (defaultWorkload: string) => string
  selectHelp: string
  chooseTarget: string
  chooseModel: string
  discovering: (target: string) => string
  discoveryFailed: (reason: string) => string
  discoveredNone: string
  workloadMode: string
  modeDefault: (defaultWorkload: string) => string
  modePredefined: string
  modeCustom: string
  choosePredefined: string
  /** "20 RPS, 50 concurrent, 300 s" for a workload choice. */
  workloadShape: (w: Pick<Workload, 'rps' | 'concurrency' | 'durationSec' | 'requests'>) => string
  customTitle: string
  askDuration: string
  askRps: string
  askConcurrency: string
  askMaxTokens: string
  askTemperature: string
  askPromptType: string
  promptTypes: Record<'short' | 'medium' | 'long', string>
  invalid: (problem: Problem) => string
  settingsTitle: string
  server: (name: string, description: string) => string
  model: (fullName: string) => string
  workload: (name: string, title: string) => string
  customWorkload: (base: string) => string
  duration: (seconds: string, spelledOut: string | null) => string
  requests: (count: string) => string
  rps: (rps: string) => string
  closedLoop: (workers: number) => string
  concurrency: (value: number) => string
  expectedTotal: (count: string) => string
  maxTokens: (value: number) => string
  temperature: (value: number) => string
  promptType: (value: string) => string
  promptFile: (path: string) => string
  confirmStart: string
  starting: string
  cancelled: string
  needsTerminal: string
  needsTerminalHint: (command: string) => string
  noModels: (target: string) => string
  noModelsHint: string
  /** "5 min" / "5분"; null when the value is under a minute (the seconds say it all). */
  minutes: (seconds: number) => string | null
  /** Titles of the bundled workloads for the tip and the default choice, so they read in the UI language. */
  bundledWorkloadTitles: Record<string, string>
}

function spellMinutes(seconds: number, unit: { min: string; sec: string; join: string }): string | null {
  if (seconds < 60) return null
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds - minutes * 60)
  return rest === 0 ? `${minutes}${unit.min}` : `${minutes}${unit.min}${unit.join}${rest}${unit.sec}`
}

const en: DialogMessages = {
  banner: '🚀 Run Bench - Interactive benchmark',
  tip: (w) => `💡 Tip: press Enter to use the defaults (${w})`,
  selectHelp: '↑↓ move • 1-9 jump • ⏎ select',
  chooseTarget: '📡 Choose the target server',
  chooseModel: '🤖 Choose the model',
  discovering: (t) => `🔎 Asking ${t} which models it serves...`,
  discoveryFailed: (reason) =>
    `⚠️  Could not list the server's models (${reason}): showing the configured models only`,
  discoveredNone: 'ℹ️  The server listed no models: showing the configured models only',
  workloadMode: '⚙️  Workload',
  modeDefault: (w) => `Use the default (${w})`,
  modePredefined: 'Choose a predefined workload',
  modeCustom: 'Custom settings',
  choosePredefined: '📦 Choose a workload',
  workloadShape: (w) =>
    [
      w.rps === undefined ? 'closed loop' : `${w.rps} RPS`,
      `${w.concurrency} concurrent`,
      ...(w.durationSec === undefined ? [] : [`${w.durationSec} s`]),
      ...(w.requests === undefined ? [] : [`${formatCount(w.requests, 'en')} requests`]),
    ].join(', '),
  customTitle: '🛠️  Custom settings (Enter keeps the value in parentheses)',
  askDuration: 'Duration (seconds)',
  askRps: 'Requests per second (RPS, 0 = closed loop)',
  askConcurrency: 'Concurrency (max requests in flight)',
  askMaxTokens: 'Max tokens per response',
  askTemperature: 'Temperature (0-2)',
  askPromptType: 'Prompt type',
  promptTypes: {
    short: 'short: one-line questions',
    medium: 'medium: a paragraph',
    long: 'long: a page of context',
  },
  invalid: (p) => {
    switch (p.kind) {
      case 'not_a_number':
        return `Not a number ("${p.received}"): enter a number such as 10`
      case 'not_positive':
        return `Must be greater than 0 (got ${p.received})`
      case 'not_integer':
        return `Must be a whole number (got ${p.received})`
      case 'out_of_range':
        return `Must be between ${p.min} and ${p.max} (got ${p.received})`
    }
  },
  settingsTitle: '📋 Benchmark settings',
  server: (n, d) => (d === '' ? `  Server: ${n}` : `  Server: ${n} - ${d}`),
  model: (m) => `  Model: ${m}`,
  workload: (n, t) => `  Workload: ${n} - ${t}`,
  customWorkload: (base) => `your own values over ${base}`,
  duration: (s, spelled) => `    - Duration: ${s} s${spelled === null ? '' : ` (${spelled})`}`,
  requests: (n) => `    - Requests: ${n}`,
  rps: (r) => `    - RPS: ${r} (requests per second)`,
  closedLoop: (w) => `    - RPS: none (closed loop: ${w} workers, each sends when its last request ends)`,
  concurrency: (c) => `    - Concurrency: ${c}`,
  expectedTotal: (n) => `    - Expected total requests: ${n}`,
  maxTokens: (m) => `    - Max tokens: ${m}`,
  temperature: (t) => `    - Temperature: ${t}`,
  promptType: (p) => `    - Prompt type: ${p}`,
  promptFile: (p) => `    - Prompt file: ${p}`,
  confirmStart: 'Start?',
  starting: '🚀 Starting the benchmark!',
  cancelled: 'Cancelled',
  needsTerminal: 'The interactive dialog needs a terminal, and stdin is not one',
  needsTerminalHint: (c) => `run it in a terminal, or give the settings as flags: ${c}`,
  noModels: (t) => `No model is configured for target "${t}"`,
  noModelsHint: 'add one to models.yaml, or pick another target',
  minutes: (s) => spellMinutes(s, { min: ' min', sec: ' s', join: ' ' }),
  bundledWorkloadTitles: {
    'high-load-5min': '5-minute high-load test',
  },
}

const ko: DialogMessages = {
  banner: '🚀 Run Bench - 대화형 벤치마크 실행',
  tip: (w) => `💡 팁: 엔터만 치면 기본값 사용 (${w})`,
  selectHelp: '↑↓ 이동 • 숫자로 바로 이동 • ⏎ 선택',
  chooseTarget: '📡 벤치마크 대상 서버 선택',
  chooseModel: '🤖 테스트 모델 선택',
  discovering: (t) => `🔎 ${t} 서버에 제공 중인 모델을 묻는 중...`,
  discoveryFailed: (reason) =>
    `⚠️  서버의 모델 목록을 가져오지 못했습니다 (${reason}). 설정된 모델만 표시합니다`,
  discoveredNone: 'ℹ️  서버가 알려 준 모델이 없습니다. 설정된 모델만 표시합니다',
  workloadMode: '⚙️  워크로드 설정',
  modeDefault: (w) => `기본 설정 사용 (${w})`,
  modePredefined: '사전 정의된 워크로드 선택',
  modeCustom: '커스텀 설정',
  choosePredefined: '📦 워크로드 선택',
  workloadShape: (w) =>
    [
      w.rps === undefined ? '폐쇄 루프' : `RPS ${w.rps}`,
      `동시성 ${w.concurrency}`,
      ...(w.durationSec === undefined ? [] : [`${w.durationSec}초`]),
      ...(w.requests === undefined ? [] : [`요청 ${formatCount(w.requests, 'ko')}개`]),
    ].join(', '),
  customTitle: '🛠️  커스텀 설정 (엔터를 치면 괄호 안의 값 사용)',
  askDuration: '테스트 시간 (초)',
  askRps: '초당 요청 수 (RPS, 0 = 폐쇄 루프)',
  askConcurrency: '동시성 (최대 동시 요청 수)',
  askMaxTokens: '최대 토큰 수 (응답당)',
  askTemperature: 'Temperature (0~2)',
  askPromptType: '프롬프트 타입',
  promptTypes: { short: 'short: 한 줄 질문', medium: 'medium: 한 단락 분량', long: 'long: 긴 문맥 포함' },
  invalid: (p) => {
    switch (p.kind) {
      case 'not_a_number':
        return `숫자가 아닙니다 ("${p.received}"). 10처럼 숫자로 입력하세요`
      case 'not_positive':
        return `0보다 커야 합니다 (입력값: ${p.received})`
      case 'not_integer':
        return `정수로 입력하세요 (입력값: ${p.received})`
      case 'out_of_range':
        return `${p.min}에서 ${p.max} 사이로 입력하세요 (입력값: ${p.received})`
    }
  },
  settingsTitle: '📋 벤치마크 설정 확인',
  server: (n, d) => (d === '' ? `  서버: ${n}` : `  서버: ${n} - ${d}`),
  model: (m) => `  모델: ${m}`,
  workload: (n, t) => `  워크로드: ${n} - ${t}`,
  customWorkload: (base) => `${base} 기반 커스텀 설정`,
  duration: (s, spelled) => `    - 시간: ${s}초${spelled === null ? '' : ` (${spelled})`}`,
  requests: (n) => `    - 요청 수: ${n}개`,
  rps: (r) => `    - RPS: ${r} (초당 요청 수)`,
  closedLoop: (w) => `    - RPS: 없음 (폐쇄 루프: 워커 ${w}개가 각자 이전 요청이 끝나면 다음 요청을 보냄)`,
  concurrency: (c) => `    - 동시성: ${c}`,
  expectedTotal: (n) => `    - 예상 총 요청: ${n}개`,
  maxTokens: (m) => `    - 최대 토큰: ${m}`,
  temperature: (t) => `    - Temperature: ${t}`,
  promptType: (p) => `    - 프롬프트 타입: ${p}`,
  promptFile: (p) => `    - 프롬프트 파일: ${p}`,
  confirmStart: '시작하시겠습니까?',
  starting: '🚀 벤치마크 시작!',
  cancelled: '취소되었습니다',
  needsTerminal: '대화형 실행에는 터미널이 필요한데, 표준 입력이 터미널이 아닙니다',
  needsTerminalHint: (c) => `터미널에서 실행하거나, 설정을 옵션으로 지정하세요: ${c}`,
  noModels: (t) => `"${t}" 서버에 설정된 모델이 없습니다`,
  noModelsHint: 'models.yaml에 모델을 추가하거나 다른 서버를 선택하세요',
  minutes: (s) => spellMinutes(s, { min: '분', sec: '초', join: ' ' }),
  bundledWorkloadTitles: {
    'high-load-5min': '5분 고부하 테스트',
  },
}

export function dialogMessages(lang: Lang): DialogMessages {
  return lang === 'ko' ? ko : en
}

const HANGUL = /[\u3131-\u318e\uac00-\ud7a3]/

/**
 * The bundled YAML writes some descriptions in both languages, "한국어 / English"; show the
 * half in the UI language. Anything else (including "a/b" without spaces) is shown as is.
 */
export function localizeDescription(text: string, lang: Lang): string {
  const parts = text.split(' / ')
  if (parts.length !== 2) return text
  const [korean = '', english = ''] = parts
  if (!HANGUL.test(korean) || HANGUL.test(english)) return text
  return (lang === 'ko' ? korean : english).trim()
}
