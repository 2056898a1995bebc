// How requests the client never sent, and error groups, are named in every output (terminal,
// CSV, Markdown, HTML, the dialog's last line): one wording, so the formats agree.

import { groupedCount } from '../stats/grouped-number.js'
import type { ErrorGroup, Summary } from '../types.js'

/** Why requests were not sent, for a run whose summary counts some; null when none were. */
export function notSentReason(summary: Summary, lang: 'en' | 'ko' = 'en'): string | null {
  if (summary.requests.notSent === 0) return null
  if (summary.offeredRps !== null) {
    return lang === 'ko'
      ? '제공 부하가 동시성 한도를 넘음: --concurrency를 올리거나 --rps를 낮추세요'
      : 'offered load above the concurrency cap: raise --concurrency or lower --rps'
  }
  return lang === 'ko'
    ? '동시성 슬롯이 비기 전에 실행이 끝남'
    : 'the run ended before a concurrency slot was free'
}

/**
 * The one line saying how many requests were never sent and why, e.g. "12 not sent (offered
 * load above the concurrency cap: raise --concurrency or lower --rps)"; null when none were.
 */
export function notSentLine(summary: Summary, lang: 'en' | 'ko' = 'en'): string | null {
  const reason = notSentReason(summary, lang)
  if (reason === null) return null
  const count = groupedCount(summary.requests.notSent)
  return lang === 'ko' ? `미전송 ${count}개 (${reason})` : `${count} not sent (${reason})`
}

/** An error group's name: its outcome and stable error_code (older files: the HTTP status). */
export function errorGroupLabel(group: ErrorGroup): string {
  const cause = group.error_code ?? (group.http_status === null ? null : String(group.http_status))
  return cause === null ? group.outcome : `${group.outcome} ${cause}`
}
