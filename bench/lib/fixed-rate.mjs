// A fixed offered rate for a while (warm-up, then the measured window), then the figures that the
// fanout and dm scenarios report: latency, loss, errors, and the server's own counters.
import { closeAll } from './clients.mjs';
import { serverCounters } from './population.mjs';

/**
 * Runs `rate` messages/s, each sent by `pick()` ([conversation index, member index]), and returns
 * the scenario result: met when p99 < 10 ms with nothing lost and no error.
 */
export async function runFixedRate(ctx, { http, sockets, load }, { rate, pick, target }) {
  const timing = ctx.quick ? { warmupMs: 2_000, measureMs: 6_000 } : { warmupMs: 5_000, measureMs: 20_000 };
  ctx.log(`warm-up ${timing.warmupMs / 1000} s at ${rate} msg/s`);
  const warmup = await load.runPhase({ label: 'warm-up', rate, durationMs: timing.warmupMs, pick });
  ctx.log(`measuring ${timing.measureMs / 1000} s at ${rate} msg/s`);
  const measured = await load.runPhase({ label: 'measured', rate, durationMs: timing.measureMs, pick });
  const settled = await load.settle([warmup, measured], 5_000);

  const result = load.report(measured);
  const warm = load.report(warmup);
  const counters = await serverCounters(http);
  await closeAll(sockets);
  http.close();

  const lost = result.lostMessages + warm.lostMessages;
  return {
    rows: [{ ...result, label: `${rate} msg/s offered` }],
    target,
    met: result.latencyMs.p99 !== null && result.latencyMs.p99 < 10 && lost === 0 && result.errors === 0,
    details: {
      measured: result,
      warmup: warm,
      settledWithinTimeout: settled,
      duplicatesOrUnexpected: load.duplicates,
      errorFramesByCode: load.errorsByCode,
      unexpectedCloses: load.closes,
      server: counters,
    },
  };
}
