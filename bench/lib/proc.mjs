// Process and machine figures read from /proc, so that the generator can watch the server's CPU
// and memory without asking the server (which would add load to the process being measured).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { round } from './stats.mjs';

let clockTicks = null;

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
function ticksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU seconds used so far (user + system, all threads) and the resident set of a process.
 * Returns null when the process is gone.
 */
export function readProcess(pid) {
  let stat;
  let status;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces: fields are counted after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return {
    cpuSeconds: (utime + stime) / ticksPerSecond(),
    systemCpuSeconds: stime / ticksPerSecond(),
    rssBytes: kib('VmRSS'),
    peakRssBytes: kib('VmHWM'),
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0),
  };
}

/** CPU affinity of a process as taskset reports it (e.g. "0"), to prove the pinning in the results. */
export function affinityOf(pid) {
  try {
    return execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' }).split(':').pop().trim();
  } catch {
    return 'unknown';
  }
}

/** Pids of the descendants of a process (for the generator: the browser's processes), from /proc. */
export function descendantsOf(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds used so far by the descendants of a process. Each one counts its own time plus that
 * of its children that have exited (cutime, cstime), so a renderer closed with its page still counts.
 */
export function descendantsCpuSeconds(rootPid) {
  let ticks = 0;
  for (const pid of descendantsOf(rootPid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // exited meanwhile: its parent counts it once it has reaped it
    }
  }
  return ticks / ticksPerSecond();
}

/**
 * Machine-wide CPU time so far, in seconds summed over cores: busy (user, nice, system) and steal
 * (time the hypervisor gave to someone else). Used to detect other work competing for the cores.
 */
export function readMachineCpu() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , , , steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busySeconds: (user + nice + system) / ticksPerSecond(), stealSeconds: steal / ticksPerSecond() };
  } catch {
    return null;
  }
}

/** Bytes a process caused to be written to storage so far (/proc/<pid>/io), or null. */
export function readProcessWrites(pid) {
  try {
    return Number(/^write_bytes:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);
  } catch {
    return null;
  }
}

/** Bytes written to the machine's disks so far, and milliseconds they spent busy (/proc/diskstats). */
export function readDisks() {
  try {
    const disks = new Set(fs.readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram|dm-|md)/.test(d)));
    let writtenBytes = 0;
    let busyMs = 0;
    for (const line of fs.readFileSync('/proc/diskstats', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (!disks.has(f[2])) continue;
      writtenBytes += Number(f[9]) * 512;
      busyMs += Number(f[12]);
    }
    return { writtenBytes, busyMs };
  } catch {
    return null;
  }
}

/** Measures CPU use of the server (from /proc) and of this process (process.cpuUsage) over a window. */
export class CpuWindow {
  /** With `children`, the generator's child processes (the browser) are measured too, and not counted as others. */
  constructor(serverPid, { children = false } = {}) {
    this.serverPid = serverPid;
    this.startChildren = children ? descendantsCpuSeconds(process.pid) : null;
    this.startWall = performance.now();
    this.startEpochMs = Date.now();
    this.startServer = readProcess(serverPid);
    this.startSelf = process.cpuUsage();
    this.startElu = performance.eventLoopUtilization();
    this.startMachine = readMachineCpu();
    this.startServerWrites = readProcessWrites(serverPid);
    this.startDisks = readDisks();
  }

  /** CPU as a percentage of one core, for the server and for the generator, since construction. */
  stop() {
    const wallSeconds = (performance.now() - this.startWall) / 1000;
    const server = readProcess(this.serverPid);
    const self = process.cpuUsage(this.startSelf);
    const elu = performance.eventLoopUtilization(this.startElu);
    const machine = readMachineCpu();
    const serverCpuPct = server && this.startServer ? (100 * (server.cpuSeconds - this.startServer.cpuSeconds)) / wallSeconds : null;
    const generatorCpuPct = (100 * (self.user + self.system)) / 1e6 / wallSeconds;
    const childrenCpuPct = this.startChildren === null ? null : (100 * (descendantsCpuSeconds(process.pid) - this.startChildren)) / wallSeconds;
    let otherCpuPct = null;
    let stealPct = null;
    if (machine && this.startMachine && serverCpuPct !== null) {
      const busyPct = (100 * (machine.busySeconds - this.startMachine.busySeconds)) / wallSeconds;
      // What neither the server nor the generator used: other processes on the machine (tests,
      // builds...) that compete for the two cores and make the figures unreliable. Approximate:
      // tick-based accounting, and a few % of kernel work for loopback traffic lands here too.
      otherCpuPct = Math.max(0, busyPct - serverCpuPct - generatorCpuPct - (childrenCpuPct ?? 0));
      stealPct = (100 * (machine.stealSeconds - this.startMachine.stealSeconds)) / wallSeconds;
    }
    // Disk: how busy it was, and how much others wrote meanwhile (fsync latency depends on both).
    const serverWrites = readProcessWrites(this.serverPid);
    const disks = readDisks();
    let diskBusyPct = null;
    let otherDiskWritesMiB = null;
    if (disks && this.startDisks) {
      diskBusyPct = (100 * (disks.busyMs - this.startDisks.busyMs)) / 1000 / wallSeconds;
      if (serverWrites !== null && this.startServerWrites !== null) {
        const all = disks.writtenBytes - this.startDisks.writtenBytes;
        otherDiskWritesMiB = Math.max(0, all - (serverWrites - this.startServerWrites)) / 2 ** 20;
      }
    }
    return {
      wallSeconds,
      windowEpochMs: [this.startEpochMs, Date.now()],
      serverWritesMiB: serverWrites !== null && this.startServerWrites !== null ? (serverWrites - this.startServerWrites) / 2 ** 20 : null,
      diskBusyPct,
      otherDiskWritesMiB,
      serverCpuPct,
      // The kernel's share of it (socket writes, fsync): high values point at syscalls.
      serverSystemCpuPct: server && this.startServer ? (100 * (server.systemCpuSeconds - this.startServer.systemCpuSeconds)) / wallSeconds : null,
      generatorCpuPct,
      childrenCpuPct,
      otherCpuPct,
      stealPct,
      // Share of the time the generator's event loop was busy: near 100% would mean it cannot keep up.
      generatorEventLoopPct: 100 * elu.utilization,
      serverRssBytes: server?.rssBytes ?? null,
      serverPeakRssBytes: server?.peakRssBytes ?? null,
    };
  }
}

/** What the figures were measured on. */
export function machineInfo() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  let virtualised = null;
  try {
    const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(cpuinfo)?.[1];
    cpuModel = `${field('model name') ?? cpuModel} (family ${field('cpu family')}, model ${field('model')})`;
    virtualised = / hypervisor( |$)/m.test(field('flags') ?? '');
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  let fdLimit = 'unknown';
  try {
    fdLimit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    // keep unknown
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    virtualMachine: virtualised,
    fdLimit,
  };
}

/** What every result row reports of a CpuWindow's stop(), rounded: the server, the generator, the rest of the machine. */
export function usageRow(usage) {
  return {
    // When it was measured (epoch ms), to match what the server recorded meanwhile (`--probe`).
    windowEpochMs: usage.windowEpochMs,
    serverCpuPct: round(usage.serverCpuPct, 0),
    serverSystemCpuPct: round(usage.serverSystemCpuPct, 0),
    generatorCpuPct: round(usage.generatorCpuPct, 0),
    generatorEventLoopPct: round(usage.generatorEventLoopPct, 0),
    ...(usage.childrenCpuPct === null ? {} : { browserCpuPct: round(usage.childrenCpuPct, 0) }),
    otherCpuPct: round(usage.otherCpuPct, 0),
    stealPct: round(usage.stealPct, 0),
    serverWritesMiB: round(usage.serverWritesMiB, 1),
    diskBusyPct: round(usage.diskBusyPct, 0),
    otherDiskWritesMiB: round(usage.otherDiskWritesMiB, 1),
    serverRssMiB: usage.serverRssBytes === null ? null : round(usage.serverRssBytes / 2 ** 20, 0),
  };
}
