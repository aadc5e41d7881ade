import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round } from './stats.mjs';

/** The module `--probe` preloads into the server. */
export const SERVER_PROBE = fileURLToPath(new URL('./server-probe.mjs', import.meta.url));

/** Where the server's probe writes its record, and how to read it back (null if it wrote none). */
export function probeFile() {
  const file = path.join(os.tmpdir(), `parley-probe-${process.pid}-${Date.now()}.json`);
  return {
    file,
    read() {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        return null;
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  };
}

const rounded = (ms) => round(ms, 2);

function pauses(durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: rounded(percentile(sorted, 50)),
    maxMs: sorted.length ? rounded(sorted[sorted.length - 1]) : null,
    totalMs: rounded(sorted.reduce((a, b) => a + b, 0)),
  };
}

/**
 * What the server's probe saw inside one measured window ([from, to], epoch ms): its GC pauses by
 * kind, and how often and how long its event loop ran nothing else.
 */
export function summariseProbe(record, [from, to]) {
  const inside = ([at]) => at >= from && at <= to;
  const gc = record.gc.filter(inside);
  const stalls = record.stalls.filter(inside).map(([, ms]) => ms);
  const kinds = [...new Set(gc.map(([, , kind]) => kind))].sort();
  return {
    gc: Object.fromEntries(kinds.map((kind) => [kind, pauses(gc.filter(([, , k]) => k === kind).map(([, ms]) => ms))])),
    eventLoopStalls: {
      over10Ms: stalls.length,
      over50Ms: stalls.filter((ms) => ms > 50).length,
      longestMs: stalls.length ? rounded(Math.max(...stalls)) : 0,
    },
  };
}

/** One line for the log: `scavenge 50 (p50 4.5, max 7.1 ms), ...; event-loop stalls over 10 ms: 12 (over 50 ms: 1, longest 56 ms)`. */
export function describeProbe(summary) {
  const gc = Object.entries(summary.gc).map(([kind, p]) => `${kind} ${p.count} (p50 ${p.p50Ms}, max ${p.maxMs} ms)`);
  const s = summary.eventLoopStalls;
  return `GC ${gc.join(', ') || 'none'}; event-loop stalls over 10 ms: ${s.over10Ms} (over 50 ms: ${s.over50Ms}, longest ${s.longestMs} ms)`;
}
