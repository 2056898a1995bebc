// UI language: English or Korean (the original tool's language), from --lang or the locale.
import { groupThousands } from '../stats/grouped-number.js'

export type Lang = 'en' | 'ko'

/** LC_ALL beats LC_MESSAGES beats LANG, as in POSIX; anything starting with "ko" is Korean. */
export function detectLang(env: Record<string, string | undefined>, flag?: string): Lang {
  if (flag === 'en' || flag === 'ko') return flag
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

/** "3m 0s" / "3분 0초": the original prints remaining time this way. */
export function formatDuration(totalSec: number, lang: Lang): string {
  const sec = Math.max(0, Math.round(totalSec))
  const minutes = Math.floor(sec / 60)
  const seconds = sec % 60
  if (lang === 'ko') return minutes > 0 ? `${minutes}분 ${seconds}초` : `${seconds}초`
  return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`
}

export function formatCount(value: number, lang: Lang): string {
  // Both locales group whole numbers by thousands with commas (see grouped-number.ts).
  if (Number.isSafeInteger(value)) return groupThousands(String(value))
  return value.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US')
}
