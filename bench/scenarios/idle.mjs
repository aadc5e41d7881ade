// (d) idle: memory per idle connection. Registers the users first, lets the server settle and
// samples its memory, then opens one authenticated, resumed socket per user, lets it settle again
// and samples once more: (after − before) / connections is what each idle socket costs.
import fs from 'node:fs';
import { closeAll, connectAll, registerUsers } from '../lib/clients.mjs';
import { HttpClient, readMetrics } from '../lib/http.mjs';
import { collectGarbage } from '../lib/inspector.mjs';
import { readProcess } from '../lib/proc.mjs';
import { round } from '../lib/stats.mjs';

export const name = 'idle';
export const description = '5,000 authenticated, resumed, idle WebSocket connections';
export const target = '< 16 KB per connection';

const SETTLE_MS = 5_000;

/** The soft limit on open files of a process (each socket is one). */
function openFilesLimit(pid) {
  try {
    return Number(/^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1]);
  } catch {
    return null;
  }
}

async function sample(ctx) {
  // A full GC through the inspector (when the server has one), then a pause for the allocator to
  // settle; without an inspector, only the pause. Both the kernel's view (/proc) and V8's (the
  // server's own metrics) are kept.
  let collected = false;
  if (ctx.inspectPort) {
    try {
      await collectGarbage(ctx.inspectPort);
      collected = true;
    } catch (err) {
      ctx.log(`could not force a GC through the inspector (${err.message}); sampling after a pause only`);
    }
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const http = new HttpClient(ctx.baseUrl, { maxSockets: 1 });
  const m = await readMetrics(http, ['parley_process_resident_memory_bytes', 'parley_nodejs_heap_size_used_bytes', 'parley_ws_connections']);
  http.close();
  const proc = readProcess(ctx.serverPid);
  return {
    rssBytes: proc.rssBytes,
    metricsRssBytes: m.parley_process_resident_memory_bytes,
    heapUsedBytes: m.parley_nodejs_heap_size_used_bytes,
    connections: m.parley_ws_connections,
    afterForcedGc: collected,
  };
}

export async function run(ctx) {
  const count = ctx.quick ? 2_000 : 5_000;
  const limits = { generator: openFilesLimit(process.pid), server: openFilesLimit(ctx.serverPid) };
  const tooLow = Object.entries(limits).filter(([, v]) => v !== null && v < count + 200);
  if (tooLow.length) ctx.log(`WARNING: open-files limit too low for ${count} sockets: ${JSON.stringify(limits)} (raise ulimit -n)`);

  const http = new HttpClient(ctx.baseUrl);
  let started = performance.now();
  const users = await registerUsers(http, count, { prefix: 'idle', concurrency: 64 });
  const registerSeconds = (performance.now() - started) / 1000;
  ctx.log(`${count} users registered in ${registerSeconds.toFixed(1)} s`);
  // Registration's keep-alive sockets must not count in either sample.
  http.close();

  const before = await sample(ctx);
  ctx.log(`before: RSS ${(before.rssBytes / 2 ** 20).toFixed(1)} MiB, heap used ${(before.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`);
  started = performance.now();
  const sockets = await connectAll(ctx.wsUrl, users, { concurrency: 100 });
  const connectSeconds = (performance.now() - started) / 1000;
  ctx.log(`${count} sockets connected and resumed in ${connectSeconds.toFixed(1)} s`);
  const after = await sample(ctx);
  ctx.log(`after: RSS ${(after.rssBytes / 2 ** 20).toFixed(1)} MiB, heap used ${(after.heapUsedBytes / 2 ** 20).toFixed(1)} MiB, server reports ${after.connections} connections`);
  const stillOpen = sockets.filter((s) => !s.closed).length;
  await closeAll(sockets);

  const perConnection = (after.rssBytes - before.rssBytes) / count;
  const heapPerConnection = (after.heapUsedBytes - before.heapUsedBytes) / count;
  return {
    rows: [
      {
        label: `${count} idle sockets`,
        bytesPerConnection: Math.round(perConnection),
        heapBytesPerConnection: Math.round(heapPerConnection),
        serverRssMiB: round(after.rssBytes / 2 ** 20, 0),
      },
    ],
    target,
    met: perConnection < 16 * 1024 && stillOpen === count,
    details: {
      connections: count,
      stillOpenAtEnd: stillOpen,
      serverReportedConnections: after.connections,
      registerSeconds: round(registerSeconds),
      usersRegisteredPerSecond: Math.round(count / registerSeconds),
      connectSeconds: round(connectSeconds),
      connectionsPerSecond: Math.round(count / connectSeconds),
      before,
      after,
      rssBytesPerConnection: Math.round(perConnection),
      heapUsedBytesPerConnection: Math.round(heapPerConnection),
      openFilesLimit: limits,
    },
  };
}
