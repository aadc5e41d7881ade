// (e) history: reading back a long conversation. Fills one group with 100,000 messages, then times
// random history pages (GET .../messages?before=<random seq>&limit=50) one after another, as a user
// scrolling back would, over one keep-alive HTTP connection.
import { closeAll, connectAll, createGroups, registerUsers } from '../lib/clients.mjs';
import { HttpClient } from '../lib/http.mjs';
import { TEXT_BYTES } from '../lib/load.mjs';
import { randomInt } from '../lib/population.mjs';
import { CpuWindow, usageRow } from '../lib/proc.mjs';
import { Samples, round, roundSummary } from '../lib/stats.mjs';

export const name = 'history';
export const description = 'one conversation of 100,000 messages; sequential random pages of 50 (before=<seq>)';
export const target = 'p99 < 5 ms';

const SENDERS = 200;
/** Each socket may send 50 frames/s (burst 200, fixed in the server); stay under it. */
const PER_SOCKET_RATE = 40;
const MAX_IN_FLIGHT = 4_000;
const PAGE = 50;

/**
 * Inserts `total` messages over the senders' sockets (not resumed, so no event is fanned out to
 * them): paced round-robin, at most MAX_IN_FLIGHT unacknowledged, refused sends retried with the
 * same clientId (which the server answers idempotently).
 */
function fill(ctx, sockets, conversationId, total) {
  return new Promise((resolveFill, rejectFill) => {
    let finished = false;
    const resolve = (v) => {
      finished = true;
      resolveFill(v);
    };
    const reject = (err) => {
      finished = true;
      rejectFill(err);
    };
    const rate = sockets.length * PER_SOCKET_RATE;
    const frames = new Map();
    const retry = [];
    let sent = 0;
    let acked = 0;
    let errors = 0;
    const start = performance.now();
    const frameOf = (m) => {
      const head = `history message ${m} `;
      return `{"type":"message.send","id":${m},"conversationId":"${conversationId}","clientId":"h${m}","text":"${head}${'x'.repeat(TEXT_BYTES - head.length)}"}`;
    };
    for (const s of sockets) {
      s.onFrame = (text) => {
        if (text.startsWith('{"type":"ack"')) {
          const i = text.indexOf('"id":') + 5;
          frames.delete(+text.slice(i, text.indexOf(',', i)));
          acked++;
          if (acked === total) {
            const seconds = (performance.now() - start) / 1000;
            resolve({ seconds, messagesPerSecond: Math.round(total / seconds), errors });
          }
        } else if (text.startsWith('{"type":"error"')) {
          const frame = JSON.parse(text);
          errors++;
          if (errors <= 3) ctx.log(`  send refused: ${frame.error.code}: ${frame.error.message}`);
          if (errors > 1_000) reject(new Error(`${errors} sends refused during the fill; last: ${frame.error.code}`));
          else if (typeof frame.id === 'number') retry.push({ m: frame.id, at: performance.now() + 250 });
        }
      };
      s.onClose = (code) => reject(new Error(`a sender's socket closed (${code}) during the fill`));
    }
    const tick = () => {
      if (finished) return;
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due && frames.size < MAX_IN_FLIGHT) {
        const m = sent++;
        frames.set(m, frameOf(m));
        sockets[m % sockets.length].send(frames.get(m));
      }
      while (retry.length > 0 && retry[0].at <= performance.now()) {
        const { m } = retry.shift();
        // Same socket and clientId: a send that was in fact stored is answered with the original.
        sockets[m % sockets.length].send(frames.get(m));
      }
      if (acked < total) setTimeout(tick, sent < total ? 1 : 50);
    };
    tick();
  });
}

export async function run(ctx) {
  // A server in service has served its history route many times: V8 optimises the request path
  // only after a few thousand calls, so the timed pages come after as many warm-up pages (whose
  // latency is reported too, as the cold figure).
  const plan = ctx.quick ? { messages: 20_000, queries: 500, warmup: 50 } : { messages: 100_000, queries: 2_000, warmup: 2_000 };
  const http = new HttpClient(ctx.baseUrl);
  const users = await registerUsers(http, SENDERS, { prefix: 'h' });
  const [group] = await createGroups(http, [users]);
  const sockets = await connectAll(ctx.wsUrl, users, { resume: false });
  ctx.log(`filling one conversation with ${plan.messages} messages from ${SENDERS} sockets`);
  const filled = await fill(ctx, sockets, group.id, plan.messages);
  ctx.log(`filled in ${filled.seconds.toFixed(1)} s (${filled.messagesPerSecond} messages/s committed)`);
  // The senders stay connected (idle) until the end: closing them now would make the server write
  // their last-seen times (one commit per user, 5 s later) in the middle of the timed requests.
  http.close();

  const reader = users[0];
  const client = new HttpClient(ctx.baseUrl, { maxSockets: 1 });
  const newest = await client.json('GET', `/api/v1/conversations/${group.id}/messages?limit=1`, { token: reader.token });
  const lastSeq = newest.messages[0]?.seq ?? 0;
  if (lastSeq !== plan.messages) throw new Error(`expected ${plan.messages} messages, newest seq is ${lastSeq}`);

  // before ∈ [51, lastSeq + 1]: every page is a full page of 50.
  const page = async () => {
    const before = PAGE + 1 + randomInt(lastSeq - PAGE + 1);
    const t0 = performance.now();
    const res = await client.request('GET', `/api/v1/conversations/${group.id}/messages?before=${before}&limit=${PAGE}`, { token: reader.token });
    const ms = performance.now() - t0;
    if (res.status !== 200 || res.body.messages.length !== PAGE || res.body.messages[PAGE - 1].seq !== before - 1) {
      throw new Error(`bad page for before=${before}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    return ms;
  };
  const cold = new Samples();
  for (let i = 0; i < plan.warmup; i++) cold.add(await page());
  ctx.log(`timing ${plan.queries} sequential history pages`);
  const latency = new Samples();
  const cpu = new CpuWindow(ctx.serverPid);
  for (let i = 0; i < plan.queries; i++) latency.add(await page());
  const usage = cpu.stop();
  client.close();
  await closeAll(sockets);

  const s = latency.summary();
  const c = cold.summary();
  const row = {
    label: `${plan.queries} pages of ${PAGE}`,
    requestsPerSecond: Math.round(plan.queries / usage.wallSeconds),
    latencyMs: roundSummary(s),
    ...usageRow(usage),
  };
  return {
    rows: [row],
    target,
    met: s.p99 < 5,
    details: {
      messagesInConversation: lastSeq,
      fill: filled,
      queries: row,
      warmupPages: { count: c.count, p50: round(c.p50), p95: round(c.p95), p99: round(c.p99), max: round(c.max) },
    },
  };
}
