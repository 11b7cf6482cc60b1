// `dtuhub <command>`: serve (default), simulate, check-config. Parsing only; the work
// lives in the command modules and the composition root (src/app.ts).
import { parseArgs } from 'node:util';
import { runCheckConfig } from './check-config.js';
import { runServe } from './serve.js';
import { runSimulate } from './simulate.js';
import { createLogger } from '../log.js';

const USAGE = `dtuhub — DTU server and Modbus RTU gateway

Usage:
  dtuhub serve [--config-dir DIR]          run the gateway (default command)
  dtuhub check-config [--config-dir DIR]   validate the config, print every problem
  dtuhub simulate --devices N --target HOST:PORT [--link NAME] [--profile NAME] [...]
                                           run a fleet of simulated DTUs
  dtuhub simulate --serve modbus-tcp|rtu-over-tcp --listen HOST:PORT [--devices N] [...]
                                           simulated devices that dtuhub connects out to
  dtuhub help                              this text

Options for serve and check-config:
  --config-dir DIR   directory with server.yml and points.yml (default: ./config)
`;

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(configDirOf(rest));
    case 'check-config':
      return runCheckConfig(configDirOf(rest), (line) => console.log(line));
    case 'simulate':
      return runSimulate(rest, createLogger({ level: 'info', pretty: false }));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

function configDirOf(args: string[]): string {
  const { values, positionals } = parseArgs({
    args,
    options: { 'config-dir': { type: 'string' } },
    allowPositionals: true,
  });
  return values['config-dir'] ?? positionals[0] ?? 'config';
}
