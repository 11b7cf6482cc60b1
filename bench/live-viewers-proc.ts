// Child process running hostile live-feed viewers (live-viewers-load.ts) against a dtuhub
// web server: the `run` request takes the load's options and answers with its counts.
//
//   node dist/bench/live-viewers-proc.js
import { announceReady, serveRequests } from './child-rpc.js';
import { runLiveViewers, type LiveViewersLoadOptions } from './live-viewers-load.js';

serveRequests({ run: (args) => runLiveViewers(args as LiveViewersLoadOptions) }, () => Promise.resolve());

announceReady({ pid: process.pid });
