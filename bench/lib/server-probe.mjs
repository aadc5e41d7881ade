// Preloaded into the server by `run.mjs --probe` (node --import): records every garbage
// collection, every stall of the event loop and every `fs.fdatasync` (the WAL syncs that each
// SQLite ack waits for), with wall-clock times, and writes them to $BENCH_PROBE_FILE when the
// server exits. run.mjs keeps those inside each measured window (`probe.mjs`). Costs a timer every
// 5 ms, a GC observer and two clock reads per sync; without the variable it does nothing.
import fs from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
  };
  const epoch = (t) => performance.timeOrigin + t;
  const gc = [];
  const stalls = [];
  const syncs = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push([epoch(e.startTime), e.duration, KINDS[e.detail?.kind] ?? String(e.detail?.kind)]);
  }).observe({ entryTypes: ['gc'] });
  const TICK_MS = 5;
  const STALL_MS = 10;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    // The loop ran something else for this long, beyond the timer's own period.
    const stalled = now - last - TICK_MS;
    if (stalled > STALL_MS) stalls.push([epoch(last), stalled]);
    last = now;
  }, TICK_MS).unref();
  // The server takes `fs.fdatasync` when it opens the database, after this module has run.
  const fdatasync = fs.fdatasync;
  fs.fdatasync = (fd, done) => {
    const started = performance.now();
    fdatasync(fd, (err) => {
      syncs.push([epoch(started), performance.now() - started]);
      done(err);
    });
  };
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ gc, stalls, syncs })));
}
