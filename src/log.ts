// One pino root logger; every module takes a child with its own `module` name so logs can
// be filtered per area (habit 11 in STYLE.md).
import { pino, type Logger } from 'pino';
import type { LoggingConfig } from './domain/config.js';

export type { Logger };

export function createLogger(config: LoggingConfig, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.level, base: { app: 'dtuhub' } };
  if (config.pretty && !destination) {
    // Human-readable lines for a terminal; JSON stays the default for log collectors.
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything: for unit tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
