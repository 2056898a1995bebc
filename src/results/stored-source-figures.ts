// A summary rebuilt from a raw file (`summarize`, the HTML/PNG reports) recomputes the
// prompt-source figures the records hold (stats/source-stats.ts), but the prefix-cache hit
// rate (scraped from the server's /metrics during the run), the warnings said after the run
// and the source's label exist only in the summary.json the run wrote: they are carried over
// from it, so rebuilding never loses them.
import type { Summary } from '../types.js'
import type { ResultPaths } from './result-paths.js'
import { readSummaryFile } from './run-files.js'

export function withStoredSourceFigures(rebuilt: Summary, paths: ResultPaths): Summary {
  if (rebuilt.sources === undefined) return rebuilt
  const stored = readSummaryFile(paths)?.sources
  if (stored === undefined) return rebuilt
  const { prefixCache, warnings, label } = stored
  return {
    ...rebuilt,
    sources: {
      ...rebuilt.sources,
      ...(prefixCache === undefined ? {} : { prefixCache }),
      ...(warnings === undefined ? {} : { warnings }),
      ...(label === undefined ? {} : { label }),
    },
  }
}
