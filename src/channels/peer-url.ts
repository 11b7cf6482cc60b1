// Channels whose peer is a URL (HTTP, MQTT, OPC UA): how it is shown and which host:port it is.
import type { Remote } from '../domain/events.js';

/** The URL for status pages and logs: credentials in it are never shown. */
export function displayUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return shown.toString();
}

/** The peer as a device's remote; the port from the URL, else the scheme's default. */
export function urlRemote(url: URL, channel: string, defaultPorts: Readonly<Record<string, number>>): Remote {
  const port = url.port !== '' ? Number(url.port) : (defaultPorts[url.protocol] ?? 0);
  return { ip: url.hostname, port, listener: channel };
}
