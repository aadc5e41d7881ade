#!/usr/bin/env node
// The disk's own floor for Parley's 1:1 latency (scenario `dm`), without Parley: how long an
// fdatasync of a WAL-sized commit takes on this machine, alone and while a checkpoint-sized batch
// of random page writes is flushed to another file, as the SQLite server does. Every ack waits
// for such a sync, so if these syncs alone pass 10 ms more than 1% of the time, no server that
// acknowledges only durable messages can meet dm's p99 target on this disk.
//
//   node bench/disk.mjs [--seconds N] [--checkpoint-pages N]     (defaults: 20 s per case, 1,000 pages)
//
// The shape follows what `dm` makes the server write (docs/benchmarks.md): about 200 group commits
// a second of about 60 WAL frames each (a 24-byte frame header and a 4 KiB page, written with two
// calls as SQLite does), the WAL starting over every 250 ms, and every 250 ms a checkpoint that
// writes about 1,000 pages at random places of the database file and syncs it (the server's
// checkpoints until commit 0a66d3b; it now copies every 2 s, which this harsher shape bounds from
// above). Runs pinned to core 0, like the server; files in a fresh temporary folder, removed at
// the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { machineInfo } from './lib/proc.mjs';
import { describeMachine } from './lib/report.mjs';
import { writeResults } from './lib/results.mjs';
import { Samples, roundSummary } from './lib/stats.mjs';

const PAGE = 4096;
const FRAME_HEADER = 24;
const FRAMES_PER_COMMIT = 60;
const COMMITS_PER_SECOND = 200;
const WAL_RESTART_MS = 250;
const CHECKPOINT_EVERY_MS = 250;
const DEFAULT_CHECKPOINT_PAGES = 1000;
/** The database file the checkpoint writes into: large enough that its pages are scattered. */
const DATABASE_PAGES = 60_000;
/** A sync slower than this alone spends dm's whole latency budget. */
const SLOW_MS = 10;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The checkpoint's half, on its own thread: random page writes, then one fdatasync, on a timer. */
function checkpointThread({ file, seconds, pages }) {
  const fd = fs.openSync(file, 'r+');
  const page = Buffer.alloc(PAGE, 0x5a);
  const syncs = new Samples(256);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = Date.now();
    for (let i = 0; i < pages; i++) fs.writeSync(fd, page, 0, PAGE, Math.floor(Math.random() * DATABASE_PAGES) * PAGE);
    const t = performance.now();
    fs.fdatasyncSync(fd);
    syncs.add(performance.now() - t);
    const rest = CHECKPOINT_EVERY_MS - (Date.now() - started);
    if (rest > 0) Atomics.wait(pause, 0, 0, rest);
  }
  fs.closeSync(fd);
  parentPort.postMessage(roundSummary(syncs.summary()));
}

/** Commits at a fixed rate for `seconds`: frames written, then fdatasync, timed. */
async function commitLoop(walFile, seconds) {
  const fd = fs.openSync(walFile, 'w+');
  const frame = Buffer.alloc(FRAME_HEADER + PAGE, 0xa5);
  const count = COMMITS_PER_SECOND * seconds;
  const syncs = new Samples(count);
  const start = Date.now();
  let offset = 0;
  let restartedAt = start;
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / COMMITS_PER_SECOND;
    while (Date.now() < due) await sleep(1);
    for (let f = 0; f < FRAMES_PER_COMMIT; f++) {
      fs.writeSync(fd, frame, 0, FRAME_HEADER, offset);
      fs.writeSync(fd, frame, FRAME_HEADER, PAGE, offset + FRAME_HEADER);
      offset += FRAME_HEADER + PAGE;
    }
    const t = performance.now();
    fs.fdatasyncSync(fd);
    syncs.add(performance.now() - t);
    if (Date.now() - restartedAt >= WAL_RESTART_MS) {
      restartedAt = Date.now();
      offset = 0;
    }
  }
  fs.closeSync(fd);
  const slow = Array.from(syncs.values.subarray(0, syncs.count)).filter((ms) => ms > SLOW_MS).length;
  return { ...roundSummary(syncs.summary()), slowPct: Math.round((1000 * slow) / syncs.count) / 10 };
}

async function runCase(dir, checkpointPages, seconds) {
  const walFile = path.join(dir, 'test.db-wal');
  const dbFile = path.join(dir, 'test.db');
  fs.writeFileSync(dbFile, '');
  // A sparse file of the full size: the checkpoint's writes land anywhere in it.
  fs.truncateSync(dbFile, DATABASE_PAGES * PAGE);
  const checkpoint = checkpointPages > 0 ? new Worker(fileURLToPath(import.meta.url), { workerData: { file: dbFile, seconds, pages: checkpointPages } }) : null;
  const checkpointSyncs = checkpoint ? new Promise((resolve, reject) => checkpoint.once('message', resolve).once('error', reject)) : null;
  const wal = await commitLoop(walFile, seconds);
  return { wal, checkpoint: checkpointSyncs ? await checkpointSyncs : null };
}

function describeRow(label, { wal, checkpoint }) {
  const ck = checkpoint ? `${checkpoint.p50} / ${checkpoint.max}` : '—';
  return `| ${label} | ${wal.p50} | ${wal.p95} | ${wal.p99} | ${wal.max} | ${wal.slowPct}% | ${ck} |`;
}

/** `--name value` pairs of positive integers, or null when anything else is given. */
function parseArgs(args) {
  const options = { seconds: 20, checkpointPages: DEFAULT_CHECKPOINT_PAGES };
  const names = { '--seconds': 'seconds', '--checkpoint-pages': 'checkpointPages' };
  for (let i = 0; i < args.length; i += 2) {
    const name = names[args[i]];
    const value = Number(args[i + 1]);
    if (!name || !Number.isInteger(value) || value < 1) return null;
    options[name] = value;
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options) {
    process.stderr.write('usage: node bench/disk.mjs [--seconds N] [--checkpoint-pages N]\n');
    process.exit(2);
  }
  const { seconds, checkpointPages } = options;
  // Pinned like the server, so the sync's kernel work lands on the same core.
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write('WARNING: taskset failed; running unpinned\n');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-disk-'));
  const startedAt = new Date().toISOString();
  try {
    process.stderr.write(`[disk] WAL commits alone, ${seconds} s\n`);
    const alone = await runCase(dir, 0, seconds);
    process.stderr.write(`[disk] WAL commits with a checkpoint every ${CHECKPOINT_EVERY_MS} ms, ${seconds} s\n`);
    const withCheckpoint = await runCase(dir, checkpointPages, seconds);
    const machine = machineInfo();
    const lines = [
      `Disk floor for dm — ${startedAt}`,
      `Machine: ${describeMachine(machine)}; files in ${os.tmpdir()}`,
      `Load: ${COMMITS_PER_SECOND} commits/s of ${FRAMES_PER_COMMIT} frames (${Math.round((FRAMES_PER_COMMIT * (PAGE + FRAME_HEADER)) / 1024)} KiB) + fdatasync; checkpoint: ${checkpointPages} random pages + fdatasync every ${CHECKPOINT_EVERY_MS} ms`,
      '',
      `| Case | WAL sync p50 ms | p95 | p99 | max | over ${SLOW_MS} ms | checkpoint sync p50 / max ms |`,
      '| --- | --- | --- | --- | --- | --- | --- |',
      describeRow('commits alone', alone),
      describeRow('commits + checkpoint', withCheckpoint),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = writeResults(startedAt, { startedAt, machine, tmpdir: os.tmpdir(), seconds, checkpointPages, alone, withCheckpoint }, { prefix: 'disk-' });
    process.stdout.write(`\nFull results: ${path.relative(process.cwd(), file)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else checkpointThread(workerData);
