import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** A TCP port that was free on the loopback interface a moment ago (the OS picks it). */
export function freePort(host: string = LOOPBACK): Promise<number> {
  return listenOnce(0, host);
}

export async function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  try {
    await listenOnce(port, host);
    return true;
  } catch {
    return false;
  }
}

/** The preferred port when nothing listens on it, otherwise any free one. */
export async function preferredOrFreePort(preferred: number, host: string = LOOPBACK): Promise<number> {
  return (await isPortFree(preferred, host)) ? preferred : freePort(host);
}
