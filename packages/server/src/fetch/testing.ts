import http, { type IncomingHttpHeaders, type RequestListener } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { LookupAll } from './destination.js';

/** A test HTTP server on 127.0.0.1 that counts the connections it accepts. */
export interface LocalServer {
  port: number;
  origin: string;
  connections: number;
  /** Headers of every request received, in order. */
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    local.requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const local: LocalServer = {
    port: 0,
    origin: '',
    connections: 0,
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => local.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local.port = (server.address() as AddressInfo).port;
  local.origin = `http://127.0.0.1:${local.port}`;
  return local;
}

/** A DNS stand-in: names in the table resolve to its addresses, every other name fails. */
export function fakeLookup(table: Record<string, readonly string[]>): LookupAll & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    // Like a real resolver, a trailing dot (fully qualified name) changes nothing.
    const addresses = table[hostname.replace(/\.$/, '')];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  };
  return Object.assign(lookup, { calls });
}

/** A port on 127.0.0.1 that nothing listens on (briefly). */
export async function closedPort(): Promise<number> {
  const server = await startLocalServer(() => {});
  await server.close();
  return server.port;
}
