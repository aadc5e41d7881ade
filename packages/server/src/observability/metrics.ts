import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (each instance has its own registry). */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'parley_ws_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly messages = new Counter({ name: 'parley_messages_total', help: 'Messages stored', registers: [this.registry] });
  readonly sendLatency = new Histogram({
    name: 'parley_send_deliver_latency_seconds',
    help: 'From a send arriving to its event being written to local recipient sockets',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'parley_group_commit_batch_size',
    help: 'Sends committed per transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });
  readonly resumes = new Counter({
    name: 'parley_ws_resumes_total',
    help: 'Socket resumes, by outcome (replayed, resync)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly eventsDispatched = new Counter({ name: 'parley_events_dispatched_total', help: 'Durable events dispatched to this node', registers: [this.registry] });
  readonly deliveries = new Counter({ name: 'parley_ws_deliveries_total', help: 'Event frames written to sockets', registers: [this.registry] });
  readonly slowConsumers = new Counter({
    name: 'parley_ws_slow_consumer_disconnects_total',
    help: 'Sockets closed because their send buffer passed the bound',
    registers: [this.registry],
  });

  constructor(withProcessMetrics: boolean) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
