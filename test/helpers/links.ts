// Link configs for tests, built directly in the compiled shape (no YAML involved).
import type {
  AsciiRegistration,
  HeartbeatRule,
  LinkConfig,
  ModbusTiming,
  TypedFramingConfig,
} from '../../src/domain/config.js';

export const asciiRegistration: AsciiRegistration = {
  type: 'ascii',
  mode: 'once',
  maxLength: 40,
  length: null,
  pattern: null,
  terminator: null,
};

/** The ascii rule as the config compiles it with every default filled in. */
export const compiledAsciiDefaults: AsciiRegistration = { ...asciiRegistration, minLength: 1, quietGapMs: 1000 };

export const hbRule: HeartbeatRule = { pattern: Buffer.from('HB'), reply: null };

export const typedDefaults: TypedFramingConfig = {
  heartbeatType: 0x02,
  dataType: 0x03,
  modbusType: 0x04,
  ackRegistration: 0x01,
  ackHeartbeat: 0x02,
  ackData: 0x03,
};

export function link(overrides: Partial<LinkConfig> = {}): LinkConfig {
  return {
    name: 'test',
    framing: 'transparent',
    registration: asciiRegistration,
    heartbeat: hbRule,
    unknownIds: 'accept',
    duplicateIds: 'replace',
    typed: null,
    ...overrides,
  };
}

export const fastTiming: ModbusTiming = {
  responseTimeoutMs: 200,
  retries: 1,
  interRequestDelayMs: 0,
  quietAfterTimeoutMs: 20,
  maxReadGap: 10,
  backoffAfterFailures: 3,
  backoffInitialMs: 1000,
  backoffMaxMs: 8000,
};
