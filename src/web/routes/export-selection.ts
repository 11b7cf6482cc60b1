// Which devices a point-value export covers, from its query: one `device` (as before), a
// comma list of `devices`, a `group`, `tag` or `profile` (combinable), or `all=true`. An
// export of nothing chosen is refused rather than silently exporting the whole fleet.
import type { DeviceSummary, FleetFilter } from '../../services/index.js';
import type { ExportDevice } from '../export/data-export.js';
import { pointDescription, type ExportLang } from '../export/point-label.js';
import { WebError } from '../errors.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_ID } from './schemas.js';

export interface SelectionQuery {
  device?: string;
  devices?: string;
  group?: string;
  tag?: string;
  profile?: string;
  status?: 'online' | 'offline';
  all?: boolean;
}

const LABEL = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const SELECTION_QUERY = {
  device: DEVICE_ID,
  /** Up to a few thousand IDs: the UI sends a ticked list. */
  devices: { type: 'string', minLength: 1, maxLength: 200_000 },
  group: LABEL,
  tag: LABEL,
  profile: LABEL,
  status: { type: 'string', enum: ['online', 'offline'] },
  all: { type: 'boolean' },
} as const;

export function hasSelection(q: SelectionQuery): boolean {
  return (
    q.device !== undefined ||
    q.devices !== undefined ||
    q.group !== undefined ||
    q.tag !== undefined ||
    q.profile !== undefined ||
    q.all === true
  );
}

export interface Selection {
  readonly devices: readonly DeviceSummary[];
  /** What the file name says: the one device, or `many`. */
  readonly label: string | undefined;
}

export async function selectDevices(ctx: WebContext, q: SelectionQuery): Promise<Selection> {
  if (!hasSelection(q))
    throw new WebError(
      'BAD_REQUEST',
      'choose the devices of a data export: device, devices, group, tag, profile or all=true',
    );
  // A single device keeps its old answer: 404 when it is unknown.
  if (q.device !== undefined && !(await ctx.services.devices.get(q.device)))
    throw new WebError('DEVICE_NOT_FOUND', `device ${q.device} is unknown`);
  const listed = q.devices?.split(',').map((id) => id.trim());
  if (listed?.some((id) => id === '')) throw new WebError('BAD_REQUEST', 'devices is a comma list of registration IDs');
  const ids = q.device !== undefined ? [q.device, ...(listed ?? [])] : listed;
  const devices = await ctx.services.fleet.select(filterOf(q, ids));
  return { devices, label: devices.length === 1 ? devices[0]!.registrationId : 'many' };
}

function filterOf(q: SelectionQuery, ids?: readonly string[]): FleetFilter {
  return {
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.group !== undefined ? { group: q.group } : {}),
    ...(q.tag !== undefined ? { tag: q.tag } : {}),
    ...(q.profile !== undefined ? { profile: q.profile } : {}),
    ...(ids !== undefined ? { ids } : {}),
  };
}

/** Each device with its points' units (a profile's units looked up once). */
export function exportDevices(ctx: WebContext, devices: readonly DeviceSummary[], lang: ExportLang): ExportDevice[] {
  const byProfile = new Map<string, Omit<ExportDevice, 'registrationId'>>();
  return devices.map((d) => {
    const shared = ctx.services.config.points.profiles.has(d.profile);
    let labels = shared ? byProfile.get(d.profile) : undefined;
    if (!labels) {
      const points = ctx.services.devices.points(d.profile, d.registrationId);
      labels = {
        units: ctx.services.devices.units(d.profile, d.registrationId),
        descriptions: new Map(points.map((p) => [p.name, pointDescription(p, lang)])),
      };
      if (shared) byProfile.set(d.profile, labels);
    }
    return { registrationId: d.registrationId, ...labels };
  });
}
