// Registration IDs that come from outside the config (MQTT topics, payload fields) are
// checked before they name a device: they end up in the devices table, URLs and the UI.

/** devices.registration_id is VARCHAR(128). */
export const MAX_DEVICE_ID_LENGTH = 128;

// Control characters (C0, DEL, C1) would corrupt logs, CSV exports and the UI.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Null when `id` can name a device, else why not. */
export function deviceIdProblem(id: string): string | null {
  if (id.length === 0) return 'empty device ID';
  if (id.length > MAX_DEVICE_ID_LENGTH) return `device ID longer than ${MAX_DEVICE_ID_LENGTH} characters`;
  if (CONTROL.test(id)) return 'device ID with control characters';
  return null;
}
