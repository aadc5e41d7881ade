// The message load used by the fanout, max and dm scenarios: open-loop sending on a timer schedule
// over WebSockets, and exact accounting of who received what, when.
//
// Each message gets a number m. Its text is "t:<send time> m:<m> " padded to 100 bytes, so a
// receiver can compute send→receive latency from the frame alone. Per message we keep a bitmask of
// the members that received it: a missing bit after the settle timeout is a lost delivery, a bit
// set twice is a duplicate.
import { CpuWindow, usageRow } from './proc.mjs';
import { Samples, round, roundSummary } from './stats.mjs';

export const TEXT_BYTES = 100;
const PADDING = Array.from({ length: TEXT_BYTES + 1 }, (_, n) => 'x'.repeat(n));
const TEXT_KEY = '"text":"t:';
const ID_KEY = '"id":';
const MAX_MEMBERS = 31; // one bit per member in a Uint32 mask
const TIMELINE_SLICE_MS = 250;

/** A typed array that grows by doubling (message numbers are dense from 0). */
function grow(array, needed) {
  if (needed < array.length) return array;
  let size = array.length;
  while (size <= needed) size *= 2;
  const bigger = new array.constructor(size);
  bigger.set(array);
  return bigger;
}

export class MessageLoad {
  /**
   * @param conversations [{ id, members: [user] }] (at most 31 members each)
   * @param socketsByUserId Map of user id → BenchSocket (resumed, live)
   * @param serverPid for the CPU and RSS figures of each phase
   */
  constructor(conversations, socketsByUserId, serverPid) {
    this.serverPid = serverPid;
    this.conversations = conversations.map((c, index) => {
      if (c.members.length > MAX_MEMBERS) throw new Error(`at most ${MAX_MEMBERS} members per conversation`);
      const sockets = c.members.map((u) => socketsByUserId.get(u.id));
      sockets.forEach((s, bit) => {
        s.slots ??= new Map();
        s.slots.set(index, 1 << bit);
      });
      return {
        id: c.id,
        sockets,
        fullMask: c.members.length === 32 ? 0xffffffff : (1 << c.members.length) - 1,
        // The frame up to the request id, built once: each send only appends the variable part.
        framePrefix: `{"type":"message.send","conversationId":"${c.id}","id":`,
      };
    });
    for (const s of socketsByUserId.values()) {
      s.onFrame = (text, now) => this.onFrame(s, text, now);
      s.onClose = (code, reason) => {
        this.closes.push({ user: s.user.username, code, reason });
      };
    }
    this.next = 0;
    this.conversationOf = new Uint32Array(1 << 16);
    this.phaseOf = new Uint8Array(1 << 16);
    this.sentAt = new Float64Array(1 << 16);
    this.received = new Uint32Array(1 << 16);
    this.phases = [];
    this.current = null;
    this.deliveriesTotal = 0;
    this.duplicates = 0;
    this.unknownFrames = 0;
    this.errorsByCode = {};
    this.closes = [];
  }

  /** Sends message number `next` from member `memberIndex` of conversation `c`. */
  send(c, memberIndex) {
    const m = this.next++;
    if (m >= this.sentAt.length) {
      this.conversationOf = grow(this.conversationOf, m);
      this.phaseOf = grow(this.phaseOf, m);
      this.sentAt = grow(this.sentAt, m);
      this.received = grow(this.received, m);
    }
    const conversation = this.conversations[c];
    const phase = this.current;
    this.conversationOf[m] = c;
    this.phaseOf[m] = phase.index;
    const now = performance.now();
    this.sentAt[m] = now;
    const head = `t:${(performance.timeOrigin + now).toFixed(3)} m:${m} `;
    const frame = `${conversation.framePrefix}${m},"clientId":"b${m}","text":"${head}${PADDING[TEXT_BYTES - head.length]}"}`;
    phase.sent++;
    phase.expected += conversation.sockets.length;
    const socket = conversation.sockets[memberIndex];
    if (socket.closed) {
      phase.notSent++;
      return;
    }
    socket.send(frame);
  }

  /** The receive path: string searches only, no JSON.parse for the frames that come by the thousand. */
  onFrame(socket, s, now) {
    if (s.startsWith('{"pos":')) {
      const i = s.indexOf(TEXT_KEY);
      if (i < 0) return; // another event type (none expected here)
      const j = s.indexOf(' m:', i);
      const sentAtEpoch = +s.slice(i + TEXT_KEY.length, j);
      const m = +s.slice(j + 3, s.indexOf(' ', j + 3));
      this.deliveriesTotal++;
      const bit = socket.slots.get(this.conversationOf[m]);
      if (bit === undefined || (this.received[m] & bit) !== 0) {
        this.duplicates++;
        return;
      }
      this.received[m] |= bit;
      const phase = this.phases[this.phaseOf[m]];
      phase.delivered++;
      const latency = performance.timeOrigin + now - sentAtEpoch;
      phase.latency.add(latency);
      // Worst latency per slice of send time: shows whether slow deliveries come in bursts.
      const slice = Math.floor((this.sentAt[m] - phase.startedAt) / TIMELINE_SLICE_MS);
      if (slice >= 0 && slice < phase.worstBySlice.length && latency > phase.worstBySlice[slice]) phase.worstBySlice[slice] = latency;
      return;
    }
    if (s.startsWith('{"type":"ack"')) {
      const i = s.indexOf(ID_KEY) + ID_KEY.length;
      const m = +s.slice(i, s.indexOf(',', i));
      const phase = this.phases[this.phaseOf[m]];
      phase.acked++;
      phase.ackLatency.add(now - this.sentAt[m]);
      return;
    }
    if (s.startsWith('{"type":"error"')) {
      const frame = JSON.parse(s);
      const code = frame.error?.code ?? 'unknown';
      this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
      if (typeof frame.id === 'number') this.phases[this.phaseOf[frame.id]].errors++;
      if (Object.keys(this.errorsByCode).length === 1 && this.errorsByCode[code] === 1) {
        process.stderr.write(`  first error frame: ${s.slice(0, 300)}\n`);
      }
      return;
    }
    this.unknownFrames++;
  }

  /**
   * Sends at `rate` messages/s for `durationMs`, open loop: message k is due at start + k/rate,
   * whatever the acks do. A 1 ms timer sends everything due; the lag between when a message was
   * due and when it went out is recorded to show the generator kept to the schedule.
   */
  runPhase({ label, rate, durationMs, pick }) {
    const phase = {
      index: this.phases.length,
      label,
      rate,
      durationMs,
      firstMessage: this.next,
      lastMessage: this.next,
      sent: 0,
      notSent: 0,
      expected: 0,
      delivered: 0,
      acked: 0,
      errors: 0,
      latency: new Samples(),
      ackLatency: new Samples(),
      scheduleLag: new Samples(),
      deliveriesAtStart: this.deliveriesTotal,
      deliveriesInWindow: 0,
      cpu: null,
      startedAt: performance.now(),
      worstBySlice: new Float32Array(Math.ceil(durationMs / TIMELINE_SLICE_MS)),
    };
    if (phase.index > 255) throw new Error('too many phases');
    this.phases.push(phase);
    this.current = phase;
    const total = Math.round((rate * durationMs) / 1000);
    const interval = 1000 / rate;
    const cpu = new CpuWindow(this.serverPid);
    const start = phase.startedAt;
    return new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - start) / interval) + 1);
        while (phase.sent < due) {
          phase.scheduleLag.add(now - (start + phase.sent * interval));
          const [c, member] = pick();
          this.send(c, member);
        }
        if (phase.sent < total) {
          setTimeout(tick, 1);
          return;
        }
        // The window ends when the last message was due, i.e. after durationMs.
        const end = start + total * interval;
        const finish = () => {
          phase.cpu = cpu.stop();
          phase.deliveriesInWindow = this.deliveriesTotal - phase.deliveriesAtStart;
          phase.lastMessage = this.next;
          resolve(phase);
        };
        const remaining = end - performance.now();
        if (remaining > 0) setTimeout(finish, remaining);
        else finish();
      };
      tick();
    });
  }

  /** Waits until every message of the phases is delivered to every member, or the timeout passes. */
  async settle(phases, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    const complete = () => phases.every((p) => p.delivered >= p.expected);
    while (!complete() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return complete();
  }

  /** Messages of a phase that some member never received (call after settle). */
  lost(phase) {
    let messages = 0;
    let deliveries = 0;
    for (let m = phase.firstMessage; m < phase.lastMessage; m++) {
      const full = this.conversations[this.conversationOf[m]].fullMask;
      const got = this.received[m];
      if (got !== full) {
        messages++;
        deliveries += popcount(full) - popcount(got);
      }
    }
    return { messages, deliveries };
  }

  /** The figures of one phase, rounded for the report. */
  report(phase) {
    const latency = phase.latency.summary();
    const ack = phase.ackLatency.summary();
    const lag = phase.scheduleLag.summary();
    const lost = this.lost(phase);
    const windowSeconds = phase.cpu.wallSeconds;
    return {
      label: phase.label,
      offeredMessagesPerSecond: phase.rate,
      windowSeconds: round(windowSeconds, 2),
      messagesSent: phase.sent,
      messagesNotSent: phase.notSent,
      acked: phase.acked,
      errors: phase.errors,
      expectedDeliveries: phase.expected,
      deliveredDeliveries: phase.delivered,
      lostMessages: lost.messages,
      lostDeliveries: lost.deliveries,
      // Deliveries that arrived during the window (of any message), per second of window.
      deliveriesPerSecond: Math.round(phase.deliveriesInWindow / windowSeconds),
      latencyMs: roundSummary(latency),
      ackLatencyMs: roundSummary(ack),
      scheduleLagMs: { p99: round(lag.p99), max: round(lag.max) },
      worstLatencyMsPerSliceOfSendTime: { sliceMs: TIMELINE_SLICE_MS, worst: Array.from(phase.worstBySlice, (v) => round(v)) },
      ...usageRow(phase.cpu),
    };
  }
}

function popcount(x) {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

