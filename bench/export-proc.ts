// The export scenario's app side, in a fresh process (see export-bench.ts): `fill` writes
// the rows; `serve`, `measure`, `peak` and `stop` run the app for the downloads.
//
//   node --expose-gc dist/bench/export-proc.js   (then requests over IPC)
import { announceReady, serveRequests } from './child-rpc.js';
import { ExportServer, fillExportDatabase, type ExportBenchOptions, type ExportFillResult } from './export-bench.js';

const server = new ExportServer();

serveRequests(
  {
    fill: (args: unknown) => fillExportDatabase(args as ExportBenchOptions),
    serve: (args: unknown) => server.start(args as ExportFillResult),
    measure: async () => server.measure(),
    peak: async () => server.peakRss(),
    stop: () => server.stop(),
  },
  () => server.stop(),
);
announceReady({ pid: process.pid });
