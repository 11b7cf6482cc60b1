// One OPC UA connection: secure channel (security mode and policy, the client certificate
// from the PKI dir), session (anonymous or user/password), one subscription. node-opcua's
// own reconnection is off (maxRetry 0): a lost connection is reported once and the
// channel's backoff decides when to try again, as for every other channel.
import type { ClientSession, ClientSubscription, OPCUAClient } from 'node-opcua-client';
import type { OpcuaChannelConfig } from '../../domain/channels.js';
import type { NodeOpcua } from './node-opcua.js';

export type UaSubscription = ClientSubscription;
type CertificateManager = InstanceType<NodeOpcua['OPCUACertificateManager']>;

/** The client's application name: part of its certificate's URI, so it stays fixed. */
const APPLICATION_NAME = 'dtuhub';
/** Closing a session politely is bounded: the peer may be gone. */
const CLOSE_TIMEOUT_MS = 2000;
/** Publishing cycles without a notification after which the server sends a keep-alive. */
const MAX_KEEP_ALIVE_COUNT = 10;
/** Cycles without a publish request after which the server drops the subscription (≥ 3 × keep-alive). */
const LIFETIME_COUNT = 60;
/**
 * Keep-alive periods without a word from the server after which the link counts as lost:
 * a server that froze, or a network that went silent without closing the socket, is
 * noticed like a DTU that stops answering, not only when TCP finally gives up.
 */
const MISSED_KEEP_ALIVES = 3;

export interface OpcuaLink {
  readonly subscription: UaSubscription;
  /** Closes subscription, session and connection; never throws, bounded in time. */
  close(): Promise<void>;
}

/**
 * Connects, opens a session and creates the subscription within `connectTimeoutMs`;
 * `onLost` is called at most once when the connection, session or subscription breaks.
 */
export async function openOpcuaLink(
  opcua: NodeOpcua,
  config: OpcuaChannelConfig,
  onLost: (err: Error) => void,
  signal?: AbortSignal,
): Promise<OpcuaLink> {
  const { ua, OPCUACertificateManager } = opcua;
  const certificates: CertificateManager = new OPCUACertificateManager({
    rootFolder: config.pkiDir,
    automaticallyAcceptUnknownCertificate: config.acceptUnknownServerCertificate,
    // A manager lives for one connection attempt; the next attempt reads the trusted folder again.
    disableFileWatchers: true,
  });
  const client: OPCUAClient = ua.OPCUAClient.create({
    applicationName: APPLICATION_NAME,
    endpointMustExist: false,
    securityMode: ua.MessageSecurityMode[config.securityMode],
    securityPolicy: ua.SecurityPolicy[config.securityPolicy],
    clientCertificateManager: certificates,
    connectionStrategy: { maxRetry: 0, initialDelay: config.backoff.initialMs, maxDelay: config.backoff.maxMs },
    keepSessionAlive: false,
  });
  let session: ClientSession | null = null;
  let subscription: UaSubscription | null = null;
  /** Why the connection broke, once it has. */
  let gone: Error | null = null;
  let closing = false;
  let watchdog: NodeJS.Timeout | null = null;
  let opening = true;
  const lost = (err: Error) => {
    if (gone || closing) return;
    gone = err;
    // While opening, the attempt itself fails with this error (below).
    if (!opening) onLost(err);
  };
  /** A timed-out attempt stops at its next step instead of opening what nobody will close. */
  const check = () => {
    if (closing) throw new Error('attempt abandoned');
    if (gone) throw gone;
  };
  const close = async () => {
    if (closing) return;
    closing = true;
    if (watchdog) clearInterval(watchdog);
    // When the connection is gone there is nobody to say goodbye to.
    const [openSubscription, openSession] = [
      subscription as ClientSubscription | null,
      session as ClientSession | null,
    ];
    if (!gone) {
      if (openSubscription) await bounded(openSubscription.terminate());
      if (openSession) await bounded(openSession.close(true));
    }
    await bounded(client.disconnect());
    await bounded(certificates.dispose());
  };

  try {
    await withTimeout(
      (async () => {
        await certificates.initialize();
        check();
        await client.connect(config.endpoint);
        check();
        client.on('connection_lost', () => lost(new Error('connection to the server lost')));
        client.on('close', (err?: Error | null) =>
          lost(err ? new Error(describeOpcuaError(err)) : new Error('connection closed by the server')),
        );
        const opened = await client.createSession(
          config.username !== null
            ? { type: ua.UserTokenType.UserName, userName: config.username, password: config.password ?? '' }
            : { type: ua.UserTokenType.Anonymous },
        );
        session = opened;
        check();
        opened.on('session_closed', () => lost(new Error('session closed by the server')));
        const created = await opened.createSubscription2({
          requestedPublishingInterval: config.publishingIntervalMs,
          requestedLifetimeCount: LIFETIME_COUNT,
          requestedMaxKeepAliveCount: MAX_KEEP_ALIVE_COUNT,
          maxNotificationsPerPublish: 0,
          publishingEnabled: true,
          priority: 1,
        });
        subscription = created;
        check();
        created.on('terminated', () => lost(new Error('subscription terminated by the server')));
        created.on('internal_error', (err: Error) => lost(new Error(`subscription failed: ${err.message}`)));
        watchdog = watchKeepAlive(created, lost);
      })(),
      config.connectTimeoutMs,
      signal,
    );
  } catch (err) {
    await close();
    throw new Error(describeOpcuaError(err, config), { cause: err });
  }
  opening = false;
  return { subscription: subscription!, close };
}

/**
 * The server answers a publish at least every publishing interval × keep-alive count (the
 * revised values), with changes or an empty keep-alive; silence for several of those
 * periods means the server or the network is gone.
 */
function watchKeepAlive(subscription: ClientSubscription, lost: (err: Error) => void): NodeJS.Timeout {
  let heardAt = Date.now();
  const heard = () => {
    heardAt = Date.now();
  };
  subscription.on('keepalive', heard);
  subscription.on('received_notifications', heard);
  const periodMs = Math.max(1, subscription.publishingInterval * subscription.maxKeepAliveCount);
  const limitMs = periodMs * MISSED_KEEP_ALIVES;
  const timer = setInterval(() => {
    if (Date.now() - heardAt > limitMs)
      lost(new Error(`no keep-alive from the server for ${Math.round(limitMs / 1000)} s`));
  }, periodMs);
  timer.unref();
  return timer;
}

/** node-opcua's messages span lines and repeat the endpoint; keep the part an operator acts on. */
export function describeOpcuaError(
  err: unknown,
  config?: Pick<OpcuaChannelConfig, 'username' | 'pkiDir' | 'acceptUnknownServerCertificate'>,
): string {
  let message = err instanceof Error ? err.message : String(err);
  const cause = /Err = \((.*)\)/s.exec(message);
  if (cause) message = cause[1]!;
  message = message.replace(/\s+/g, ' ').trim();
  if (
    config?.username !== null &&
    config?.username !== undefined &&
    /BadUserAccessDenied|BadIdentityToken/.test(message)
  ) {
    return `user "${config.username}" refused: ${message}`;
  }
  if (
    config &&
    !config.acceptUnknownServerCertificate &&
    /certificate/i.test(message) &&
    /untrusted|rejected|BadCertificate/i.test(message)
  ) {
    return `${message} (to trust the server, move its certificate from ${config.pkiDir}/rejected to ${config.pkiDir}/trusted/certs)`;
  }
  return message;
}

/** `work`, or a rejection after `ms` or once `signal` aborts (the attempt was abandoned). */
function withTimeout<T>(work: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let cancelled: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
    cancelled = () => reject(new Error('connect cancelled'));
    if (signal?.aborted) cancelled();
    else signal?.addEventListener('abort', cancelled, { once: true });
  });
  // The losing side must not raise an unhandled rejection later.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
    if (cancelled) signal?.removeEventListener('abort', cancelled);
  });
}

async function bounded(work: Promise<unknown>): Promise<void> {
  await withTimeout(work, CLOSE_TIMEOUT_MS).catch(() => undefined);
}
