import path from 'node:path';
import { buildOpenApiDocument } from '@parley/protocol';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { registerAccountRoutes } from './accounts/accounts.routes.js';
import { AccountsService } from './accounts/accounts.service.js';
import { Admins } from './accounts/admins.js';
import { Authenticator } from './accounts/authenticator.js';
import { PasswordHasher } from './accounts/passwords.js';
import { deleteExpiredSessions } from './accounts/sessions.repository.js';
import type { Config } from './config/config.js';
import { registerConversationRoutes } from './conversations/conversations.routes.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { openDatabase, type Database } from './db/database.js';
import { registerEmojiRoutes } from './emoji/emoji.routes.js';
import { EmojiService } from './emoji/emoji.service.js';
import { InProcessBus, type EventBus } from './events/bus.js';
import { EventLog } from './events/event-log.js';
import { Writer } from './events/writer.js';
import { GuardedFetcher, describeRule, parseFetchAllow } from './fetch/index.js';
import { LocalDiskBlobStore } from './files/blob-store.js';
import { registerAvatarRoutes } from './files/avatars.routes.js';
import { registerFileRoutes } from './files/files.routes.js';
import { FilesService } from './files/files.service.js';
import { registerGifRoutes } from './gifs/gifs.routes.js';
import { GifsService, configuredProvider } from './gifs/gifs.service.js';
import { Api } from './http/api.js';
import { installErrorHandling } from './http/error-handler.js';
import { registerWebApp } from './http/web-app.js';
import { RateLimiter, createRateLimits } from './http/rate-limit.js';
import { fillMessageJson } from './messages/message-json.js';
import { registerMessageRoutes } from './messages/messages.routes.js';
import { MessagesService } from './messages/messages.service.js';
import { SendPipeline } from './messages/send-pipeline.js';
import { registerHealthRoutes } from './observability/health.js';
import { Metrics } from './observability/metrics.js';
import { registerPreviewRoutes } from './previews/previews.routes.js';
import { LinkPreviews } from './previews/previews.service.js';
import { registerReceiptRoutes } from './receipts/receipts.routes.js';
import { ReceiptsService } from './receipts/receipts.service.js';
import { Dispatcher } from './realtime/dispatcher.js';
import { FrameHandler } from './realtime/frame-handler.js';
import { Gateway } from './realtime/gateway.js';
import { PresenceTracker } from './realtime/presence.js';
import { registerPresenceRoutes } from './realtime/presence.routes.js';
import { VERSION } from './version.js';

export interface StartOptions {
  config: Config;
  logger?: Logger;
  /** Check every HTTP response against its protocol schema (tests). */
  validateResponses?: boolean;
}

export interface ParleyServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly database: Database;
  readonly http: FastifyInstance;
  readonly logger: Logger;
  /** Resolves once every message committed so far has its link previews, or has none to get (tests). */
  previewsIdle(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight commits, close sockets with a "reconnect" frame. */
  close(): Promise<void>;
}

const HOUR = 3_600_000;

/** Builds and starts one server node: storage, features, HTTP API and WebSocket gateway. */
export async function startServer(options: StartOptions): Promise<ParleyServer> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'parley' } });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, sqliteWriter: config.sqliteWriter, logger });
  const { db, reader } = database;
  const filled = await fillMessageJson(db);
  if (filled > 0) logger.info({ messages: filled }, 'stored presentations written for messages that had none');
  const metrics = new Metrics(config.metrics);
  const log = new EventLog(db, reader, database.dialect);
  const bus: EventBus = new InProcessBus();
  const writer = new Writer(db, log, bus);
  const dispatcher = new Dispatcher(log, (await log.head()).pos, metrics, logger);
  bus.subscribe({ durable: (events) => dispatcher.receive(events), ephemeral: (message) => dispatcher.ephemeral(message) });

  const limits = createRateLimits(config.rate);
  const authenticator = new Authenticator(db, reader);
  const onBackgroundError = (err: unknown) => logger.error({ err }, 'background task failed');
  const accounts = new AccountsService(db, reader, new PasswordHasher(config.argon2), bus, config.sessionTtlDays * 24 * HOUR);
  const conversations = new ConversationsService(reader, database.dialect, writer, config);
  const pipeline = SendPipeline.durable(writer, database.dialect, config.groupCommitMax, config.groupCommitWindowMs, {
    batchCommitted: (size, created) => {
      metrics.batchSize.observe(size);
      metrics.messages.inc(created);
    },
    delivered: (latencyMs) => metrics.sendLatency.observe(latencyMs / 1000),
    created: (sent) => previews.created(sent),
  });
  const files = new FilesService(db, reader, database.dialect, new LocalDiskBlobStore(path.join(config.dataDir, 'files')), config.files);
  const uploadLimit = new RateLimiter(config.files.uploadsPerMinute / 60, config.files.uploadsPerMinute);
  // Every URL fetched on a user's behalf goes through this one fetcher.
  const fetchAllow = parseFetchAllow(config.fetch.allow);
  if (fetchAllow.length > 0) logger.info({ fetchAllow: fetchAllow.map(describeRule) }, 'outgoing fetches may reach these private destinations');
  const fetcher = new GuardedFetcher({ allow: fetchAllow, timeoutMs: config.fetch.timeoutMs });
  const previews = new LinkPreviews(reader, database.dialect, writer, files, fetcher, logger, { enabled: config.linkPreviews, maxPixels: config.files.maxPixels });
  const admins = new Admins(reader, config.admins);
  const emoji = new EmojiService(db, reader, files, admins);
  const gifSearchLimit = new RateLimiter(config.gifs.searchesPerMinute / 60, config.gifs.searchesPerMinute);
  const gifLookupLimit = new RateLimiter((config.gifs.searchesPerMinute * 10) / 60, config.gifs.searchesPerMinute * 10);
  const gifs = new GifsService(db, reader, files, admins, configuredProvider(config.gifs, fetcher, logger), fetcher, logger, gifLookupLimit);
  const messages = new MessagesService(reader, database.dialect, writer, pipeline, files, previews, emoji);
  const receipts = new ReceiptsService(reader, database.dialect, writer, onBackgroundError);
  const presence = new PresenceTracker(db, reader, bus, config.presenceGraceMs, onBackgroundError);

  const http = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  installErrorHandling(http);
  // JSON only: a JSON body labelled text/plain is refused with a clear message, not half-parsed.
  http.removeContentTypeParser('text/plain');
  http.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  const api = new Api(http, authenticator, limits, options.validateResponses ?? false);
  registerAccountRoutes(api, accounts, {
    secure: config.publicUrl?.startsWith('https:') ?? false,
    maxAgeSeconds: config.sessionTtlDays * 86_400,
  });
  registerConversationRoutes(api, conversations);
  registerMessageRoutes(api, messages, limits);
  registerPreviewRoutes(api, previews);
  registerReceiptRoutes(api, receipts);
  registerPresenceRoutes(api, presence);
  registerFileRoutes(api, files, uploadLimit);
  registerAvatarRoutes(api, files, accounts, conversations, uploadLimit);
  registerEmojiRoutes(api, emoji, uploadLimit);
  registerGifRoutes(api, gifs, files.store, { search: gifSearchLimit, uploads: uploadLimit });
  const openApi = buildOpenApiDocument({ version: VERSION });
  http.get('/api/v1/openapi.json', async () => openApi);
  registerWebApp(http, config.webDir);

  const frames: FrameHandler = new FrameHandler({
    log,
    bus,
    dispatcher,
    presence,
    messages,
    receipts,
    limits,
    metrics,
    logger,
    maxFrameBytes: config.ws.maxFrameBytes,
    framesPerSecond: config.ws.framesPerSecond,
    accepting: (): boolean => gateway.isAccepting,
  });
  const gateway: Gateway = new Gateway(
    { ...config.ws, allowedOrigins: config.allowedOrigins, publicUrl: config.publicUrl, trustProxy: config.trustProxy },
    reader,
    authenticator,
    dispatcher,
    frames,
    presence,
    metrics,
    logger,
  );
  registerHealthRoutes(http, { database, metrics, enabled: config.metrics, ready: () => gateway.isAccepting });
  gateway.attach(http.server);

  await http.listen({ port: config.port, host: config.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;

  const timers = [
    setInterval(() => [...Object.values(limits), uploadLimit, gifSearchLimit, gifLookupLimit].forEach((l) => l.sweep()), 60_000),
    setInterval(() => {
      files.sweepUnattached().catch(onBackgroundError);
      log.prune(Date.now() - config.eventRetentionHours * HOUR).catch(onBackgroundError);
      deleteExpiredSessions(db, Date.now()).catch(onBackgroundError);
    }, HOUR),
  ];
  timers.forEach((t) => t.unref());

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      timers.forEach(clearInterval);
      gateway.stopAccepting();
      const grace = new Promise<void>((r) => setTimeout(r, config.shutdownGraceMs).unref());
      // Sends already received are committed and acknowledged before sockets close; link previews
      // not yet fetched are given up (their fetches stop), those being written finish.
      await Promise.race([Promise.all([previews.close(), pipeline.drain(), receipts.flush(), writer.drain()]), grace]);
      gateway.closeAll('server shutting down', 1_000);
      await Promise.race([http.close(), grace]);
      gateway.close();
      dispatcher.close();
      await presence.close();
      await bus.close();
      await database.close();
      logger.info('stopped');
    })());

  logger.info({ url, database: database.dialect, location: database.location, sqliteWriter: database.writer }, 'parley listening');
  return { url, port, config, database, http, logger, previewsIdle: () => previews.idle(), close };
}
