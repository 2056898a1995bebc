// The terminal words for what the capability probe found and what the run changed
// (run/probe-target.ts reports them as data).
import type { UnlistedModel } from '../discovery/served-model-check.js'
import type { ProbeNote } from '../run/probe-target.js'
import type { Lang } from './lang.js'

interface ProbeMessages {
  capabilities: (line: string) => string
  failed: string
  noUsage: (byTokenizer: boolean) => string
  ignoreEosDropped: string
  connectionClose: string
  modelNotListed: (unlisted: UnlistedModel) => string
}

function listedNames(unlisted: UnlistedModel): string {
  const shown = unlisted.listed.slice(0, 5).join(', ')
  return unlisted.listed.length > 5 ? `${shown}, …` : shown
}

const en: ProbeMessages = {
  capabilities: (line) => `Server capabilities: ${line}`,
  failed: 'Server capabilities: unknown (the probe failed); the run keeps its settings',
  noUsage: (byTokenizer) =>
    `ℹ️  The server sends no usage: output token counts will be estimated ${byTokenizer ? 'with a tokenizer' : 'from the chunk count'}`,
  ignoreEosDropped:
    'ℹ️  The server does not honour ignore_eos: it is not sent, so answers may end before max_tokens',
  connectionClose:
    'ℹ️  The server closes its connection after each streamed response: every request is sent with connection: close',
  modelNotListed: (u) =>
    `⚠️  Model "${u.model}" is not among the ${u.listed.length} model${u.listed.length === 1 ? '' : 's'} ${u.endpoint} lists (${listedNames(u)})${u.suggestion === undefined ? '' : ` — did you mean ${u.suggestion}?`}`,
}

const ko: ProbeMessages = {
  capabilities: (line) => `서버 기능: ${line}`,
  failed: '서버 기능: 알 수 없음 (확인 요청 실패), 설정 그대로 실행합니다',
  noUsage: (byTokenizer) =>
    `ℹ️  서버가 usage를 보내지 않습니다: 출력 토큰 수는 ${byTokenizer ? '토크나이저로' : '청크 수로'} 추정합니다`,
  ignoreEosDropped:
    'ℹ️  서버가 ignore_eos를 따르지 않아 보내지 않습니다: 응답이 max_tokens 전에 끝날 수 있습니다',
  connectionClose: 'ℹ️  서버가 스트리밍 응답마다 연결을 닫습니다: 모든 요청을 connection: close로 보냅니다',
  modelNotListed: (u) =>
    `⚠️  모델 "${u.model}"이(가) ${u.endpoint} 목록(${u.listed.length}개: ${listedNames(u)})에 없습니다${u.suggestion === undefined ? '' : ` — ${u.suggestion}을(를) 말씀하신 건가요?`}`,
}

export function formatProbeNote(note: ProbeNote, lang: Lang): string {
  const msg = lang === 'ko' ? ko : en
  switch (note.kind) {
    case 'capabilities':
      return msg.capabilities(note.line)
    case 'probe_failed':
      return msg.failed
    case 'probe_note':
      return `   - ${note.text}`
    case 'no_usage':
      return msg.noUsage(note.byTokenizer)
    case 'ignore_eos_dropped':
      return msg.ignoreEosDropped
    case 'connection_close':
      return msg.connectionClose
    case 'model_not_listed':
      return msg.modelNotListed(note.unlisted)
  }
}
