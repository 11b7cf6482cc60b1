// The responses of live configuration (GET and POST /api/config/reload), declared with
// TypeBox like response-schemas.ts; the UI reads their types. Imports nothing from the server.
import { Type } from '@sinclair/typebox';
import { bool, int, nullable, object, oneOf, orNull, str } from './response-schemas.js';

export const CONFIG_ISSUE = object({
  file: str,
  line: nullable('integer'),
  column: nullable('integer'),
  field: str,
  message: str,
});

export const CONFIG_CHANGE = object({
  scope: oneOf([
    'profile',
    'device',
    'link',
    'rule',
    'listener',
    'channel',
    'sink',
    'webhook',
    'mqtt',
    'notifier',
    'server',
  ] as const),
  name: str,
  action: oneOf(['added', 'changed', 'removed'] as const),
});

/** One reload: applied (`changes`, `needsRestart`) or rejected (`issues`, nothing applied). */
export const RELOAD_OUTCOME = object({
  ok: bool,
  at: int,
  trigger: oneOf(['file', 'signal', 'api', 'ui'] as const),
  actor: nullable('string'),
  changes: Type.Optional(Type.Array(CONFIG_CHANGE)),
  needsRestart: Type.Optional(Type.Array(str)),
  issues: Type.Optional(Type.Array(CONFIG_ISSUE)),
});

export const RELOAD_STATE = object({ last: orNull(RELOAD_OUTCOME) });
