// What a session needs of its connection: a TCP socket (net.Socket has all of it), or one
// UDP DTU's share of a UDP listener (udp-peer.ts).

export interface SessionSocket {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  /** True when every 'data' chunk is one whole packet (a datagram), so no quiet gap is needed. */
  readonly datagrams?: boolean;
  setNoDelay(noDelay?: boolean): unknown;
  setKeepAlive(enable?: boolean, initialDelay?: number): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  write(bytes: Uint8Array): unknown;
  destroy(): unknown;
}
