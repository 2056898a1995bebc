#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'
import { processIo } from './io.js'
import { main } from './main.js'

// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it twice: a quick
// baseline (Liftoff), then an optimised one on a background thread that cost 200–300 ms of
// CPU in every run, on the cores the server under test uses. Baseline code parses a
// stream's few chunk headers no slower (bench: `cli`, CPU per request), so the optimising
// tier is switched off before the first connection compiles it.
setFlagsFromString('--liftoff-only')

// `run-bench --help | head` closes the pipe early: that is the reader's choice, not an
// error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

process.exitCode = await main(process.argv.slice(2), processIo())
