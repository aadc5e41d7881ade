// Web app: time from navigation start to a usable app on localhost, for a new visitor (the login
// form can be typed into) and for a logged-in user (their conversations are listed). Each load is
// a fresh page; the first of each context is cold (empty HTTP cache), the others warm, as for
// someone who comes back.
import { browserAffinity, launchChromium, loadUntilReady, newContext } from '../lib/browser.mjs';
import { createDms, registerUsers, sendMessages } from '../lib/clients.mjs';
import { HttpClient } from '../lib/http.mjs';
import { CpuWindow, usageRow } from '../lib/proc.mjs';
import { Samples, round, roundSummary } from '../lib/stats.mjs';

export const name = 'web-interactive';
export const description = 'navigation start → login form usable / conversation list shown, fresh page per load';
export const target = '< 1 s (cold load and warm p95)';

const TARGET_MS = 1000;
/** Conversations of the logged-in user, each with a last message to preview. */
const CONVERSATIONS = 5;

/** `loads` fresh pages of `/` in one context; the first is cold. Timings are to the frame showing the app. */
async function measureLoads(ctx, context, condition, loads) {
  const cpu = new CpuWindow(ctx.serverPid, { children: true });
  const all = [];
  for (let i = 0; i < loads; i++) {
    const { page, timings } = await loadUntilReady(context, '/', condition);
    await page.close();
    all.push(timings);
  }
  const usage = cpu.stop();
  const warm = new Samples(loads);
  for (const t of all.slice(1)) warm.add(t.paintedMs);
  return { cold: all[0], warm: warm.summary(), all, usage };
}

function row(part, label, m) {
  const coldMs = round(m.cold.paintedMs);
  return {
    part,
    label: `${label}: 1 cold + ${m.warm.count} warm loads`,
    coldLoadMs: coldMs,
    latencyMs: roundSummary(m.warm),
    met: m.cold.paintedMs < TARGET_MS && m.warm.p95 < TARGET_MS,
    ...usageRow(m.usage),
    // Per load: when the DOM condition held, the frame showing it, and the navigation's milestones.
    loads: m.all.map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round(v)]))),
  };
}

export async function run(ctx) {
  const loads = ctx.quick ? 5 : 20;
  const http = new HttpClient(ctx.baseUrl);
  const [user, ...peers] = await registerUsers(http, CONVERSATIONS + 1, { prefix: 'wi', displayNameOf: (i) => `Interactive Peer ${i}` });
  const dms = await createDms(http, peers.map((p) => [user, p]));
  for (const [i, dm] of dms.entries()) await sendMessages(http, dm.id, 3, { senderOf: (k) => (k % 2 ? user : peers[i]), textOf: (k) => `hello number ${k}` });
  http.close();

  const browser = await launchChromium();
  try {
    ctx.log(`${loads} loads as a new visitor, then ${loads} as a logged-in user with ${CONVERSATIONS} conversations`);
    const visitorContext = await newContext(browser, ctx.baseUrl);
    const visitor = await measureLoads(ctx, visitorContext, { kind: 'login' }, loads);
    await visitorContext.close();
    const memberContext = await newContext(browser, ctx.baseUrl, user);
    const member = await measureLoads(ctx, memberContext, { kind: 'conversations', titles: peers.map((p) => p.displayName) }, loads);
    await memberContext.close();
    const affinity = browserAffinity();

    const rows = [row('login form', 'new visitor', visitor), row('conversation list', `logged in (cookie), ${CONVERSATIONS} conversations`, member)];
    for (const r of rows) ctx.log(`${r.part}: cold ${r.coldLoadMs} ms, warm p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms`);
    return { rows, rowsInSummary: true, target, met: rows.every((r) => r.met), details: { loadsPerContext: loads, browserAffinity: affinity } };
  } finally {
    await browser.close();
  }
}
