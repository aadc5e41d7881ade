#!/usr/bin/env node
// Parley's benchmark. For each scenario: start a fresh server pinned to core 0, run the load
// generator as a separate process pinned to core 1, collect its figures, stop the server. The web
// scenarios build the web app once (Vite, temporary folder) and the generator drives Chromium.
//
//   node bench/run.mjs [--quick] [scenario ...]     (npm run bench -- --quick fanout)
//   node bench/run.mjs --reference fanout max dm    (the same load against bench/reference/)
//
// Results: a summary on stdout (plain and Markdown, for docs/benchmarks.md) and the full figures
// as JSON in bench/results/<timestamp>.json. Progress goes to stderr.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { affinityOf, machineInfo, readDisks, readMachineCpu } from './lib/proc.mjs';
import { SERVER_PROBE, describeProbe, probeFile, summariseProbe } from './lib/probe.mjs';
import { renderReport } from './lib/report.mjs';
import { writeResults } from './lib/results.mjs';
import { REFERENCE_MAIN, SERVER_MAIN, freePort, startServer, SERVER_NODE_ARGS } from './lib/server.mjs';
import { buildWebApp } from './lib/web-app.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Scenarios that load the web app in Chromium (the generator drives the browser). */
const WEB_SCENARIOS = ['web-size', 'web-interactive', 'web-open-conversation'];
const ALL = ['fanout', 'max', 'dm', 'idle', 'history', 'upload', 'thumbnail', ...WEB_SCENARIOS];
/** What the reference server implements: messaging only (it stores nothing, so no history). */
const REFERENCE_SCENARIOS = ['fanout', 'max', 'dm'];
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
/** Scenarios whose server is started with the inspector on a loopback port (to force GCs). */
const INSPECTED = ['idle'];
/** Below these (% of one core, MiB/s written) the machine counts as quiet before a scenario. */
const QUIET_CPU_PCT = 10;
const QUIET_DISK_MIB = 1;

function usage(message) {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(`usage: node bench/run.mjs [--quick] [--profile] [--probe] [--reference] [${ALL.join('|')} ...]\n`);
  process.stderr.write('  --quick      short runs of every scenario (smoke test, about a minute)\n');
  process.stderr.write('  --profile    also write a V8 CPU profile of the server to bench/results/profiles/ (adds overhead)\n');
  process.stderr.write('  --probe      also record the server\'s GC pauses, event-loop stalls and disk syncs in each measured window (small overhead)\n');
  process.stderr.write(`  --reference  run against the reference server (bench/reference/ws-broadcast.mjs, stores nothing) instead of Parley; ${REFERENCE_SCENARIOS.join(', ')} only\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { quick: false, profile: false, probe: false, reference: false, scenarios: [] };
  for (const arg of argv) {
    if (arg === '--quick' || arg === '-q') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--probe') options.probe = true;
    else if (arg === '--reference') options.reference = true;
    else if (arg === '--help' || arg === '-h') usage();
    else if (ALL.includes(arg)) options.scenarios.push(arg);
    else usage(`unknown argument: ${arg}`);
  }
  if (options.reference) {
    const unsupported = options.scenarios.filter((s) => !REFERENCE_SCENARIOS.includes(s));
    if (unsupported.length) {
      usage(`--reference: the reference server does not implement ${unsupported.join(', ')} (it keeps no history, serves no web app and is not meant for memory figures); it runs ${REFERENCE_SCENARIOS.join(', ')} only`);
    }
  }
  if (options.scenarios.length === 0) options.scenarios = options.reference ? REFERENCE_SCENARIOS : ALL;
  return options;
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** Runs the generator for one scenario under taskset; resolves to its result or { error }. */
function runGenerator(scenario, server, quick) {
  const config = { scenario, quick, baseUrl: server.baseUrl, wsUrl: server.wsUrl, serverPid: server.pid, inspectPort: server.inspectPort };
  const child = spawn('taskset', ['-c', String(GENERATOR_CPU), process.execPath, path.join(BENCH_DIR, 'generator.mjs'), JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const limitMs = quick ? 120_000 : 360_000;
  return new Promise((resolve) => {
    let answer = null;
    const timer = setTimeout(() => {
      answer ??= { error: `generator did not finish within ${limitMs / 1000} s` };
      child.kill('SIGKILL');
    }, limitMs);
    child.on('message', (message) => {
      answer ??= message.ok ? { result: message.result } : { error: message.error };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(answer ?? { error: `generator exited (${code ?? signal}) without a result` });
    });
  });
}

/** What everything on the machine did over one second (we are idle meanwhile). */
async function backgroundActivity() {
  const [cpu, disks] = [readMachineCpu(), readDisks()];
  await new Promise((r) => setTimeout(r, 1_000));
  const [cpu2, disks2] = [readMachineCpu(), readDisks()];
  return {
    cpuPct: cpu && cpu2 ? Math.round(100 * (cpu2.busySeconds - cpu.busySeconds)) : 0,
    diskWritesMiB: disks && disks2 ? Math.round((10 * (disks2.writtenBytes - disks.writtenBytes)) / 2 ** 20) / 10 : 0,
  };
}

const isQuiet = (a) => a.cpuPct <= QUIET_CPU_PCT && a.diskWritesMiB <= QUIET_DISK_MIB;
const describe = (a) => `${a.cpuPct}% of a core, ${a.diskWritesMiB} MiB/s written to disk`;

/**
 * Other work on the machine (tests, builds) competes for the cores and the disk and spoils the
 * figures: wait a little for it to stop, and record how busy the machine was at the start.
 */
async function waitForQuiet(scenario, maxWaitMs = 30_000) {
  const deadline = Date.now() + maxWaitMs;
  let activity = await backgroundActivity();
  if (!isQuiet(activity)) log(`[${scenario}] machine busy with other work (${describe(activity)}); waiting up to ${maxWaitMs / 1000} s for it to go quiet`);
  while (!isQuiet(activity) && Date.now() < deadline) activity = await backgroundActivity();
  if (!isQuiet(activity)) log(`[${scenario}] WARNING: starting anyway while other processes use ${describe(activity)}`);
  return activity;
}

/** The web app of this run: built once from packages/web's sources, before the first web scenario. */
let webApp = null;
async function builtWebApp() {
  if (!webApp) {
    log('building the web app (packages/web) with Vite into a temporary folder');
    webApp = await buildWebApp();
    log(`built in ${webApp.seconds} s: ${webApp.dir}`);
  }
  return webApp;
}

async function runScenario(scenario, { quick, profile, probe, reference }) {
  log(`\n=== ${scenario}${quick ? ' (quick)' : ''}${reference ? ' against the REFERENCE SERVER' : ''} ===`);
  const web = WEB_SCENARIOS.includes(scenario) ? await builtWebApp() : null;
  const backgroundAtStart = await waitForQuiet(scenario);
  const started = Date.now();
  const profileDir = path.join(BENCH_DIR, 'results', 'profiles');
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${scenario}-${Date.now()}.cpuprofile`] : [];
  // For experiments (V8 flags, an --import hook); recorded in the results, so a run says how it was made.
  nodeArgs.push(...extraServerNodeArgs());
  // The idle scenario forces garbage collections in the server through the inspector (loopback).
  const inspectPort = INSPECTED.includes(scenario) ? await freePort() : null;
  if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
  const record = probe ? probeFile() : null;
  if (record) nodeArgs.push('--import', SERVER_PROBE);
  const program = reference ? REFERENCE_MAIN : SERVER_MAIN;
  const env = { ...(web ? { PARLEY_WEB_DIR: web.dir } : {}), ...(record ? { BENCH_PROBE_FILE: record.file } : {}) };
  const server = await startServer({ cpu: SERVER_CPU, nodeArgs, program, env });
  server.inspectPort = inspectPort;
  log(`[${scenario}] server pid ${server.pid} on CPU ${affinityOf(server.pid)}, ${server.baseUrl}`);
  let outcome;
  try {
    outcome = await runGenerator(scenario, server, quick);
  } finally {
    await server.stop();
  }
  if (record) attachProbe(scenario, outcome, record.read());
  // A server that died before we stopped it is a finding, whatever the generator says.
  if (server.diedEarly) log(`[${scenario}] SERVER DIED during the scenario: ${JSON.stringify(server.diedEarly)}\n${server.log.tail.join('\n')}`);
  if (outcome.error) log(`[${scenario}] FAILED: ${outcome.error}`);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`[${scenario}] done in ${seconds} s; server printed ${server.log.lines} line(s)${reference ? '' : ' (log level warn)'}`);
  return {
    scenario,
    seconds,
    backgroundAtStart,
    ...outcome,
    server: {
      program: path.relative(path.dirname(BENCH_DIR), program),
      affinity: String(SERVER_CPU),
      diedDuringScenario: server.diedEarly,
      exit: server.exit,
      outputLines: server.log.lines,
      logTail: server.log.tail,
    },
  };
}

/** Puts what the server's probe saw inside each row's measured window into that row (`serverProbe`). */
function attachProbe(scenario, outcome, seen) {
  if (!seen) {
    log(`[${scenario}] --probe: the server wrote no probe record`);
    return;
  }
  for (const row of outcome.result?.rows ?? []) {
    if (!row.windowEpochMs) continue;
    row.serverProbe = summariseProbe(seen, row.windowEpochMs);
    log(`[${scenario}] server probe, ${row.label}: ${describeProbe(row.serverProbe)}`);
  }
}

/** Which code was measured: the commit, and whether the server's sources (`dir`) differ from it. */
function codeVersion(dir) {
  const git = (...args) => execFileSync('git', args, { cwd: path.dirname(BENCH_DIR), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'), sources: dir, uncommittedChanges: git('status', '--porcelain', '--', dir).length > 0 };
  } catch {
    return { commit: 'unknown', sources: dir, uncommittedChanges: null };
  }
}

function extraServerNodeArgs() {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

function commandLine() {
  const args = process.argv.slice(2).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  return `node bench/run.mjs${args ? ` ${args}` : ''}`;
}

const options = parseArgs(process.argv.slice(2));
if (os.cpus().length < 2) log('WARNING: fewer than 2 cores: the server and the generator will share a core');
try {
  execFileSync('taskset', ['-V'], { stdio: 'ignore' });
} catch {
  usage('taskset (util-linux) is required to pin the server and the generator to their cores');
}
// Keep this coordinating process off the server's core too.
try {
  execFileSync('taskset', ['-a', '-cp', String(GENERATOR_CPU), String(process.pid)], { stdio: 'ignore' });
} catch {
  // not fatal: it is idle while scenarios run
}

const run = {
  startedAt: new Date().toISOString(),
  command: commandLine(),
  quick: options.quick,
  // True when the figures are the reference server's, not Parley's (see bench/README.md).
  reference: options.reference,
  serverProgram: path.relative(path.dirname(BENCH_DIR), options.reference ? REFERENCE_MAIN : SERVER_MAIN),
  serverProfiled: options.profile,
  serverProbed: options.probe,
  // As the server ran: the flags of `npm start`, then any from BENCH_SERVER_NODE_ARGS.
  serverNodeArgs: [...(options.reference ? [] : SERVER_NODE_ARGS), ...extraServerNodeArgs()],
  machine: machineInfo(),
  code: codeVersion(options.reference ? 'bench/reference' : 'packages'),
  pinning: {
    server: `taskset -c ${SERVER_CPU}`,
    generator: `taskset -c ${GENERATOR_CPU}`,
    ...(options.scenarios.some((s) => WEB_SCENARIOS.includes(s)) ? { browser: `taskset -c ${GENERATOR_CPU} (Chromium is the generator's child and inherits its core)` } : {}),
  },
  scenarios: [],
};
log(`Parley benchmark: ${options.scenarios.join(', ')}${options.quick ? ' (quick)' : ''}`);
if (options.reference) log(`REFERENCE SERVER (stores nothing): ${run.serverProgram}, not Parley`);
log(`machine: ${JSON.stringify(run.machine)}`);
for (const scenario of options.scenarios) {
  try {
    run.scenarios.push(await runScenario(scenario, options));
  } catch (err) {
    log(`[${scenario}] FAILED: ${err.stack ?? err}`);
    run.scenarios.push({ scenario, error: String(err.message ?? err) });
  }
}
run.finishedAt = new Date().toISOString();
if (webApp) {
  run.webApp = { builtFrom: 'packages/web', buildSeconds: webApp.seconds, files: webApp.files };
  webApp.remove();
}

const file = writeResults(run.startedAt, run, { suffix: `${options.reference ? '-reference' : ''}${options.quick ? '-quick' : ''}` });

const { text, markdown } = renderReport(run);
process.stdout.write(`\n${text}\n\nMarkdown (for docs/benchmarks.md):\n\n${markdown}\n\nFull results: ${path.relative(process.cwd(), file)}\n`);
process.exitCode = run.scenarios.some((s) => s.error) ? 1 : 0;
