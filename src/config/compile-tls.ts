// `tls:` of an MQTT or HTTP channel: the TLS options, and every file it names checked now
// (the files themselves are read at each connect, so a renewed certificate is picked up).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TlsConfig } from '../domain/channels.js';
import type { YamlPath } from './errors.js';
import { bool, str, text, type RawMap } from './raw.js';
import { TLS_SCHEMA } from './schema/channels.schema.js';
import { defaultOf } from './schema/common.js';
import type { IssueSink } from './yaml-source.js';

/** `tls:` of a channel whose URL is one of `secure` protocols; every file named must exist. */
export function compileTls(
  m: RawMap,
  url: string,
  secure: readonly string[],
  at: YamlPath,
  sink: IssueSink,
): TlsConfig {
  const protocol = /^[a-z]+:/i.exec(url)?.[0].toLowerCase();
  if (protocol !== undefined && !secure.includes(protocol)) {
    sink.add(at, `applies to ${secure.map((p) => `${p}//`).join(' and ')} URLs only, not ${protocol}//`);
  }
  const file = (key: string): string | null => {
    const path = str(m, key) ?? null;
    if (path !== null && !isFile(path))
      sink.add([...at, key], `no such file: ${resolve(path)} (relative paths are read from the working directory)`);
    return path;
  };
  const tls: TlsConfig = {
    caFile: file('ca'),
    certFile: file('cert'),
    keyFile: file('key'),
    passphrase: text(m, 'passphrase'),
    // The schema fills it in, unless `tls:` itself was rejected (then compiled as empty for its checks).
    rejectUnauthorized: bool(m, 'rejectUnauthorized') ?? (defaultOf(TLS_SCHEMA, 'rejectUnauthorized') as boolean),
    servername: str(m, 'servername') ?? null,
  };
  if ((tls.certFile === null) !== (tls.keyFile === null))
    sink.add(at, 'cert and key go together: a client certificate needs its key');
  // mqtt.js hands the TLS files to its WebSocket, but not the server name.
  if (tls.servername !== null && protocol === 'wss:')
    sink.add([...at, 'servername'], 'is not supported with wss:// URLs: use the name on the certificate in the URL');
  return tls;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
