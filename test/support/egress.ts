import { createServer } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || host === '' || LOOPBACK.test(host);
}

export interface EgressRecorder {
  /** For WEFT_CHROMIUM_EGRESS_PROXY: Chromium sends everything beyond loopback here. */
  readonly proxyUrl: string;
  /** Destinations Chromium tried to reach, refused. */
  readonly attempts: string[];
  close(): Promise<void>;
}

/** A proxy that records every destination it is asked for and refuses them all. */
export async function startEgressRecorder(): Promise<EgressRecorder> {
  const attempts: string[] = [];
  const server = createServer((request, response) => {
    attempts.push(request.url ?? '(no url)');
    response.writeHead(403).end();
  });
  server.on('connect', (request, socket) => {
    attempts.push(`CONNECT ${request.url ?? '(no target)'}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Records every TCP connection this process opens to a host beyond loopback (fetch, http, net
 * all end in Socket#connect, before any name is looked up), and fails it before it is made.
 */
export function guardNodeConnections(): { readonly attempts: string[]; restore(): void } {
  const attempts: string[] = [];
  const original = net.Socket.prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    // net.connect hands over its arguments already normalized, as one array.
    const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    let host: string | undefined;
    let path: string | undefined;
    if (typeof first === 'object' && first !== null) {
      const options = first as { host?: string; path?: string | null };
      host = options.host;
      path = typeof options.path === 'string' && options.path !== '' ? options.path : undefined;
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      host = typeof second === 'string' ? second : undefined;
    } else if (typeof first === 'string') {
      path = first;
    }
    if (path === undefined && !isLoopbackHost(host)) {
      attempts.push(String(host));
      const refused = new Error(`zero-egress test: refused a connection to ${String(host)}`);
      process.nextTick(() => this.destroy(refused));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as typeof net.Socket.prototype.connect;
  return {
    attempts,
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}
