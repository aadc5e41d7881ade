#!/usr/bin/env node
// Parley's benchmark. For each scenario: start a fresh server pinned to core 0, run the load
// generator as a separate process pinned to core 1, collect its figures, stop the server.
//
//   node bench/run.mjs [--quick] [scenario ...]     (npm run bench -- --quick fanout)
//
// Results: a summary on stdout (plain and Markdown, for docs/benchmarks.md) and the full figures
// as JSON in bench/results/<timestamp>.json. Progress goes to stderr.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { affinityOf, machineInfo, readMachineCpu } from './lib/proc.mjs';
import { renderReport } from './lib/report.mjs';
import { startServer } from './lib/server.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ALL = ['fanout', 'max', 'dm', 'idle', 'history'];
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
/** Below this (% of one core) the machine counts as quiet before a scenario. */
const QUIET_PCT = 10;

function usage(message) {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(`usage: node bench/run.mjs [--quick] [--profile] [${ALL.join('|')} ...]\n`);
  process.stderr.write('  --quick    short runs of every scenario (smoke test, about a minute)\n');
  process.stderr.write('  --profile  also write a V8 CPU profile of the server to bench/results/profiles/ (adds overhead)\n');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { quick: false, profile: false, scenarios: [] };
  for (const arg of argv) {
    if (arg === '--quick' || arg === '-q') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--help' || arg === '-h') usage();
    else if (ALL.includes(arg)) options.scenarios.push(arg);
    else usage(`unknown argument: ${arg}`);
  }
  if (options.scenarios.length === 0) options.scenarios = ALL;
  return options;
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** Runs the generator for one scenario under taskset; resolves to its result or { error }. */
function runGenerator(scenario, server, quick) {
  const config = { scenario, quick, baseUrl: server.baseUrl, wsUrl: server.wsUrl, serverPid: server.pid };
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

/** CPU used by everything on the machine over one second, as % of one core (we are idle meanwhile). */
async function backgroundCpuPct() {
  const a = readMachineCpu();
  await new Promise((r) => setTimeout(r, 1_000));
  const b = readMachineCpu();
  return a && b ? Math.round(100 * (b.busySeconds - a.busySeconds)) : null;
}

/**
 * Other work on the machine (tests, builds) competes for the two cores and spoils the figures:
 * wait a little for it to stop, and record how busy the machine was when the scenario started.
 */
async function waitForQuiet(scenario, maxWaitMs = 30_000) {
  const deadline = Date.now() + maxWaitMs;
  let busy = await backgroundCpuPct();
  while (busy !== null && busy > QUIET_PCT && Date.now() < deadline) {
    log(`[${scenario}] machine busy with other work (${busy}% of a core); waiting for it to go quiet`);
    busy = await backgroundCpuPct();
  }
  if (busy !== null && busy > QUIET_PCT) log(`[${scenario}] WARNING: starting anyway with ${busy}% of a core used by other processes`);
  return busy;
}

async function runScenario(scenario, { quick, profile }) {
  log(`\n=== ${scenario}${quick ? ' (quick)' : ''} ===`);
  const backgroundAtStart = await waitForQuiet(scenario);
  const started = Date.now();
  const profileDir = path.join(BENCH_DIR, 'results', 'profiles');
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${scenario}-${Date.now()}.cpuprofile`] : [];
  const server = await startServer({ cpu: SERVER_CPU, nodeArgs });
  log(`[${scenario}] server pid ${server.pid} on CPU ${affinityOf(server.pid)}, ${server.baseUrl}`);
  let outcome;
  try {
    outcome = await runGenerator(scenario, server, quick);
  } finally {
    await server.stop();
  }
  if (outcome.error) log(`[${scenario}] FAILED: ${outcome.error}`);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`[${scenario}] done in ${seconds} s; server wrote ${server.log.lines} log line(s) at level warn or above`);
  return {
    scenario,
    seconds,
    backgroundCpuPctAtStart: backgroundAtStart,
    ...outcome,
    server: {
      affinity: String(SERVER_CPU),
      exit: server.exit ?? null,
      logLines: server.log.lines,
      logTail: server.log.tail,
    },
  };
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
  serverProfiled: options.profile,
  machine: machineInfo(),
  pinning: { server: `taskset -c ${SERVER_CPU}`, generator: `taskset -c ${GENERATOR_CPU}` },
  scenarios: [],
};
log(`Parley benchmark: ${options.scenarios.join(', ')}${options.quick ? ' (quick)' : ''}`);
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

const resultsDir = path.join(BENCH_DIR, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${run.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}${options.quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);

const { text, markdown } = renderReport(run);
process.stdout.write(`\n${text}\n\nMarkdown (for docs/benchmarks.md):\n\n${markdown}\n\nFull results: ${path.relative(process.cwd(), file)}\n`);
process.exitCode = run.scenarios.some((s) => s.error) ? 1 : 0;
