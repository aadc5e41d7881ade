// Files: how fast a large upload streams to disk (memory must stay flat: uploads are never held
// whole in memory), over HTTP on loopback, one upload at a time.
import { randomBytes } from 'node:crypto';
import { registerUsers } from '../lib/clients.mjs';
import { HttpClient } from '../lib/http.mjs';
import { CpuWindow, readProcess, usageRow } from '../lib/proc.mjs';
import { Samples, round, roundSummary } from '../lib/stats.mjs';
import { upload } from '../lib/upload.mjs';

export const name = 'upload';
export const description = 'uploads of a 50 MB file, one at a time, over HTTP on loopback';
export const target = '≥ 200 MB/s, memory flat';

const MB = 1_000_000;
const SIZE = 50 * MB;
/** Server RSS may grow this much over the uploads and still count as flat (allocator noise, caches). */
const FLAT_MIB = 32;

export async function run(ctx) {
  const plan = ctx.quick ? { warmup: 1, uploads: 2 } : { warmup: 2, uploads: 6 };
  const http = new HttpClient(ctx.baseUrl);
  const [user] = await registerUsers(http, 1, { prefix: 'up' });
  http.close();
  // Random bytes: nothing compresses, and the server stores it as a plain file.
  const bytes = randomBytes(SIZE);
  const send = async (i) => {
    const res = await upload(ctx.baseUrl, user.token, bytes, `big-${i}.bin`);
    if (res.status !== 201 || res.body.size !== SIZE) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.ms;
  };
  for (let i = 0; i < plan.warmup; i++) await send(`w${i}`);
  const rssBefore = readProcess(ctx.serverPid).rssBytes;
  let rssPeak = rssBefore;
  const latency = new Samples();
  const cpu = new CpuWindow(ctx.serverPid);
  for (let i = 0; i < plan.uploads; i++) {
    latency.add(await send(i));
    rssPeak = Math.max(rssPeak, readProcess(ctx.serverPid).rssBytes);
  }
  const usage = cpu.stop();
  const s = latency.summary();
  const growthMiB = (rssPeak - rssBefore) / 2 ** 20;
  const megabytesPerSecond = (plan.uploads * SIZE) / MB / ((s.mean * plan.uploads) / 1000);
  const row = {
    label: `${plan.uploads} uploads of 50 MB`,
    megabytesPerSecond: round(megabytesPerSecond, 0),
    rssGrowthMiB: round(growthMiB, 1),
    latencyMs: roundSummary(s),
    ...usageRow(usage),
    // The peak across the uploads, not the end of the window.
    serverRssMiB: round(rssPeak / 2 ** 20, 0),
  };
  return {
    rows: [row],
    target,
    met: megabytesPerSecond >= 200 && growthMiB < FLAT_MIB,
    details: { bytesPerUpload: SIZE, rssBeforeMiB: round(rssBefore / 2 ** 20, 1), rssPeakMiB: round(rssPeak / 2 ** 20, 1), flatMeansUnderMiB: FLAT_MIB },
  };
}
