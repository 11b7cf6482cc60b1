// A channel's `tls:` → the options Node's TLS takes. Files are read at each connect, so a
// renewed certificate applies at the next one; a file that cannot be read fails the
// attempt with its path (shown as the channel's last error) and is retried with backoff.
import { readFileSync } from 'node:fs';
import type { TlsConfig } from '../domain/channels.js';

/** What both Node's TLS and mqtt.js take. */
export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export function readTls(tls: TlsConfig): TlsOptions {
  const read = (what: string, path: string | null): Buffer | undefined => {
    if (path === null) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read tls.${what} ${path}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  };
  const options: TlsOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  const ca = read('ca', tls.caFile);
  const cert = read('cert', tls.certFile);
  const key = read('key', tls.keyFile);
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (tls.passphrase !== null) options.passphrase = tls.passphrase;
  if (tls.servername !== null) options.servername = tls.servername;
  return options;
}
