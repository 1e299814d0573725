/** Loopback servers for integration tests: listen on a free port, close when done. */

import type { Server } from 'node:net';

export async function listen<T extends Server>(server: T, host = '127.0.0.1'): Promise<{ server: T; port: number; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    });
  return { server, port: address.port, close };
}
