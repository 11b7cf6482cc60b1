// Opening a TCP connection for an outbound channel: bounded in time, cancellable, with a
// message that says what failed (refused, unreachable, timed out) for the channel's last error.
import { connect, type Socket } from 'node:net';

export function connectTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error(`connect to ${host}:${port} cancelled`));
      return;
    }
    const socket = connect({ host, port });
    const fail = (err: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancelled);
      socket.destroy();
      reject(err);
    };
    const cancelled = () => fail(new Error(`connect to ${host}:${port} cancelled`));
    const timer = setTimeout(
      () => fail(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', cancelled, { once: true });
    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancelled);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      fail(new Error(err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message));
    });
  });
}
