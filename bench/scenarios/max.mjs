// (b) max: the fanout topology under an increasing offered rate, to find the highest delivery rate
// the server sustains. Each step runs a short warm-up then a measured window at a fixed rate; the
// search stops at the first step whose p99 passes 250 ms, that loses or refuses a message, or that
// delivers less than 90% of what was offered (the server fell behind: latency would only grow).
import { closeAll } from '../lib/clients.mjs';
import { groupPopulation, randomInt, serverCounters } from '../lib/population.mjs';

export const name = 'max';
export const description = 'fanout topology, offered rate stepped up until p99 > 250 ms or a loss';
export const target = '≥ 100,000 deliveries/s sustained';

const GROUPS = 50;
const MEMBERS = 20;
const P99_LIMIT_MS = 250;
/** Above this share of busy event loop the generator, not the server, would be the limit. */
const GENERATOR_BUSY_PCT = 90;

export async function run(ctx) {
  const plan = ctx.quick
    ? { rates: [1_000, 3_000, 5_000, 7_000, 9_000], warmupMs: 1_000, measureMs: 3_000 }
    : { rates: [500, 1_000, 1_500, 2_000, 2_500, 3_000, 3_500, 4_000, 4_500, 5_000, 6_000, 7_000, 8_000, 10_000, 12_000, 15_000], warmupMs: 2_000, measureMs: 8_000 };
  const { http, sockets, load } = await groupPopulation(ctx, GROUPS, MEMBERS);
  const pick = () => [randomInt(GROUPS), randomInt(MEMBERS)];

  const rows = [];
  let best = null;
  let stoppedBecause = `all ${plan.rates.length} steps passed (raise the top rate to find the limit)`;
  for (const rate of plan.rates) {
    const warmup = await load.runPhase({ label: `${rate} warm-up`, rate, durationMs: plan.warmupMs, pick });
    const measured = await load.runPhase({ label: `${rate} msg/s`, rate, durationMs: plan.measureMs, pick });
    const settled = await load.settle([warmup, measured], 5_000);
    const r = load.report(measured);
    const warmLost = load.lost(warmup).messages;
    const offeredDeliveries = rate * MEMBERS;
    const problems = [];
    if (r.latencyMs.p99 === null || r.latencyMs.p99 > P99_LIMIT_MS) problems.push(`p99 ${r.latencyMs.p99} ms > ${P99_LIMIT_MS} ms`);
    if (r.lostMessages + warmLost > 0) problems.push(`${r.lostMessages + warmLost} messages lost`);
    if (r.errors > 0) problems.push(`${r.errors} sends refused`);
    if (r.deliveriesPerSecond < 0.9 * offeredDeliveries) problems.push(`delivered ${r.deliveriesPerSecond}/s of ${offeredDeliveries}/s offered`);
    if (!settled) problems.push('deliveries still missing 5 s after the step');
    const generatorBound = r.generatorEventLoopPct >= GENERATOR_BUSY_PCT;
    if (generatorBound) problems.push(`generator event loop ${r.generatorEventLoopPct}% busy: the generator may be the limit`);
    // Not a reason to stop, but a reason to distrust the step: other processes used the cores.
    const disturbances = [];
    if (r.otherCpuPct > 15) disturbances.push(`other processes used ${r.otherCpuPct}% CPU`);
    if (r.otherDiskWritesMiB / r.windowSeconds > 2) disturbances.push(`other processes wrote ${r.otherDiskWritesMiB} MiB to disk`);
    const disturbed = disturbances.length ? ` (disturbed: ${disturbances.join(', ')})` : '';
    rows.push({ ...r, note: (problems.join('; ') || 'ok') + disturbed });
    ctx.log(`  ${rate} msg/s → ${r.deliveriesPerSecond} deliveries/s, p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms, lost ${r.lostMessages}, server CPU ${r.serverCpuPct}%, generator CPU ${r.generatorCpuPct}% (loop ${r.generatorEventLoopPct}%)${problems.length ? ` — ${problems.join('; ')}` : ''}`);
    if (problems.length > 0) {
      stoppedBecause = `${rate} msg/s: ${problems.join('; ')}`;
      break;
    }
    best = r;
  }

  const counters = await serverCounters(http);
  await closeAll(sockets);
  http.close();
  return {
    rows,
    headline: best
      ? { ...best, label: `best step: ${best.offeredMessagesPerSecond} msg/s offered` }
      : null,
    target,
    met: best !== null && best.deliveriesPerSecond >= 100_000,
    details: {
      maxSustainedDeliveriesPerSecond: best?.deliveriesPerSecond ?? 0,
      atOfferedMessagesPerSecond: best?.offeredMessagesPerSecond ?? null,
      stoppedBecause,
      steps: rows,
      duplicatesOrUnexpected: load.duplicates,
      errorFramesByCode: load.errorsByCode,
      unexpectedCloses: load.closes.slice(0, 20),
      unexpectedCloseCount: load.closes.length,
      server: counters,
    },
  };
}
