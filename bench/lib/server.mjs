// Starts a Parley server (or the reference server, bench/reference/) for one scenario: fresh data
// directory, free loopback port, pinned to its own core with taskset so that it never competes
// with the load generator for CPU.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_MAIN = path.join(REPO_ROOT, 'packages/server/dist/main.js');
/**
 * The Node.js flags `npm start` runs the server with (the root package.json's start script), so
 * the benchmark measures the server as people run it.
 */
export const SERVER_NODE_ARGS = startScriptFlags();
/** A minimal in-memory WebSocket broadcast server, to calibrate Parley's figures (README). */
export const REFERENCE_MAIN = path.join(REPO_ROOT, 'bench/reference/ws-broadcast.mjs');
const HOST = '127.0.0.1';

/**
 * Settings for every benchmark server. Rate limits are raised because one generator process on
 * one IP plays thousands of users. The password hash cost is lowered only so that registering
 * thousands of users takes seconds; no scenario measures logins.
 */
export const BENCH_SERVER_ENV = {
  PARLEY_HOST: HOST,
  PARLEY_LOG_LEVEL: 'warn',
  PARLEY_RATE_AUTH_PER_MINUTE: '1000000',
  PARLEY_RATE_SEND_PER_SECOND: '1000000',
  PARLEY_RATE_SEND_BURST: '1000000',
  PARLEY_RATE_SEND_IP_PER_SECOND: '1000000',
  PARLEY_RATE_REQUESTS_PER_SECOND: '1000000',
  PARLEY_ARGON2_MEMORY_KIB: '1024',
  PARLEY_ARGON2_ITERATIONS: '1',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const LOG_TAIL = 40;

/**
 * Spawns `taskset -c <cpu> node [nodeArgs] <program>` (taskset execs node, so the pid is the
 * server's; `cpu: null` runs it unpinned, for tools that measure nothing) and waits until
 * GET /readyz answers 200. The program is Parley's built server unless told otherwise; it gets the
 * same environment either way.
 */
export async function startServer({ cpu = 0, env = {}, nodeArgs = [], program = SERVER_MAIN, readyTimeoutMs = 30_000 } = {}) {
  if (!fs.existsSync(program)) {
    throw new Error(`${program} is missing${program === SERVER_MAIN ? ': run `npx tsc -b` (npm run bench builds first)' : ''}`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const port = await freePort();
  // Settings from the caller's environment are left out: every run measures the same configuration.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_')));
  const command = [process.execPath, ...(program === SERVER_MAIN ? SERVER_NODE_ARGS : []), ...nodeArgs, program];
  const child = spawn(cpu === null ? command[0] : 'taskset', cpu === null ? command.slice(1) : ['-c', String(cpu), ...command], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...BENCH_SERVER_ENV, ...env, PARLEY_PORT: String(port), PARLEY_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the server's warnings and errors: a benchmark that hides them would hide problems.
  const log = { lines: 0, tail: [] };
  const collect = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      log.lines++;
      log.tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (log.tail.length > LOG_TAIL) log.tail.shift();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const baseUrl = `http://${HOST}:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let ready = false;
  const giveUp = (why) => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${why}:\n${log.tail.join('\n')}`);
  };
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) giveUp(`server exited during start (${child.exitCode ?? child.signalCode})`);
    if (Date.now() > deadline) giveUp(`server not ready after ${readyTimeoutMs} ms`);
    try {
      ready = (await fetch(`${baseUrl}/readyz`)).status === 200;
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid,
    port,
    baseUrl,
    wsUrl: `ws://${HOST}:${port}/api/v1/ws`,
    dataDir,
    log,
    /** Null while running; { code, signal } once it has exited. */
    get exit() {
      return child.exitCode === null && child.signalCode === null ? null : { code: child.exitCode, signal: child.signalCode };
    },
    /** SIGTERM (graceful), SIGKILL after a grace period; removes the data directory. */
    async stop(graceMs = 15_000) {
      this.diedEarly = this.exit;
      if (!this.diedEarly) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function startScriptFlags() {
  const { start } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
  const run = /\bnode((?:\s+--\S+)*)\s+packages\/server\/dist\/main\.js/.exec(start);
  if (!run) throw new Error(`package.json's start script does not run node packages/server/dist/main.js: ${start}`);
  return run[1].trim().split(/\s+/).filter(Boolean);
}
