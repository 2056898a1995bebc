#!/usr/bin/env node
import { processIo } from './io.js'
import { main } from './main.js'

// `run-bench --help | head` closes the pipe early: that is the reader's choice, not an
// error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

process.exitCode = await main(process.argv.slice(2), processIo())
