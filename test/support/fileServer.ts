import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** The address of the one file it serves. */
  readonly url: string;
  /** Paths asked for, in order. */
  readonly requests: string[];
  /** Serves these bytes from now on. */
  serve(body: Uint8Array): void;
  /** Waits this long between chunks from now on, like a slow connection (0: no wait). */
  pace(ms: number): void;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that answers one path with the bytes given (a mirror of a file, for download tests); 404 elsewhere. */
export async function startFileServer(name: string, body: Uint8Array): Promise<FileServer> {
  let current = body;
  let pause = 0;
  const requests: string[] = [];
  const path = `/mirror/${name}`;
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    const body = current;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    // Several writes, as a real download arrives in chunks.
    const chunk = 256 << 10;
    const send = async (): Promise<void> => {
      for (let start = 0; start < body.length && !response.destroyed; start += chunk) {
        response.write(body.subarray(start, start + chunk));
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      }
      response.end();
    };
    void send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    serve: (next) => {
      current = next;
    },
    pace: (ms) => {
      pause = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
