// The load generator: one process (started by run.mjs under `taskset -c 1`) that plays every user of
// one scenario against a server running on the other core, and reports its figures over IPC.
import { affinityOf } from './lib/proc.mjs';

const scenarios = {
  fanout: () => import('./scenarios/fanout.mjs'),
  max: () => import('./scenarios/max.mjs'),
  dm: () => import('./scenarios/dm.mjs'),
  idle: () => import('./scenarios/idle.mjs'),
  history: () => import('./scenarios/history.mjs'),
  upload: () => import('./scenarios/upload.mjs'),
  thumbnail: () => import('./scenarios/thumbnail.mjs'),
  'web-size': () => import('./scenarios/web-size.mjs'),
  'web-interactive': () => import('./scenarios/web-interactive.mjs'),
  'web-open-conversation': () => import('./scenarios/web-open-conversation.mjs'),
};

const config = JSON.parse(process.argv[2]);
const scenario = await scenarios[config.scenario]();
const ctx = {
  ...config,
  log: (message) => process.stderr.write(`[${config.scenario}] ${message}\n`),
};
ctx.log(`generator pid ${process.pid} on CPU ${affinityOf(process.pid)}, server pid ${config.serverPid} on CPU ${affinityOf(config.serverPid)}`);

try {
  const result = await scenario.run(ctx);
  process.send({ ok: true, result: { ...result, generatorAffinity: affinityOf(process.pid) } }, () => process.exit(0));
} catch (err) {
  process.send({ ok: false, error: err?.stack ?? String(err) }, () => process.exit(1));
}
