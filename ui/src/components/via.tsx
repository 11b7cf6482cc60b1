// How a device is connected: the DTU listener's name, or the outbound channel's name and
// type linked to the Channels page.
import { t, tMaybe } from '../lib/i18n.js';
import type { DeviceVia } from '../lib/types.js';

export function Via({ via }: { via: DeviceVia | null }) {
  if (via === null) return <span class="muted">—</span>;
  if (via.kind === 'dtu') return <span class="via via-dtu">{t('via.dtu', { listener: via.listener })}</span>;
  return (
    <span class="via via-channel">
      <a href="/channels">{via.channel}</a>{' '}
      <span class="badge badge-type">{t('via.channel', { type: tMaybe('channelType', via.type) })}</span>
    </span>
  );
}
