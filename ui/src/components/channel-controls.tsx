// Start / Stop / Restart for one listener or outbound channel (admins only).
import { t } from '../lib/i18n.js';

export type ChannelAction = 'start' | 'stop' | 'restart';

export function ChannelControls({
  running,
  busy,
  onAction,
}: {
  running: boolean;
  busy: boolean;
  onAction: (action: ChannelAction) => void;
}) {
  const buttons: [ChannelAction, boolean][] = [
    ['start', busy || running],
    ['stop', busy || !running],
    ['restart', busy],
  ];
  return (
    <td class="actions">
      {buttons.map(([action, disabled]) => (
        <button type="button" key={action} disabled={disabled} onClick={() => onAction(action)}>
          {t(`channels.${action}`)}
        </button>
      ))}
    </td>
  );
}
