// Child process running the dtuhub side of the live-viewers scenario (live-viewers-server.ts)
// and watching its own event loop and memory over the window the runner asks for.
//
//   node dist/bench/live-viewers-server-proc.js --config DIR
import { parseArgs } from 'node:util';
import { announceReady, serveRequests } from './child-rpc.js';
import { watchLoop } from './loop-watch.js';
import { LiveServer } from './live-viewers-server.js';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) throw new Error('--config DIR is required');

const server = await LiveServer.start(values.config);
let watch: ReturnType<typeof watchLoop> | null = null;

serveRequests(
  {
    cookies: (args) => server.viewerCookies((args as { count: number }).count),
    counters: () => server.counters(),
    'watch-start': () => {
      watch = watchLoop();
      return true;
    },
    'watch-stop': () => {
      const stopping = watch?.stop() ?? null;
      watch = null;
      return stopping;
    },
  },
  () => server.stop(),
);

announceReady({ dtuPort: server.dtuPort, webUrl: server.webUrl, pid: process.pid });
