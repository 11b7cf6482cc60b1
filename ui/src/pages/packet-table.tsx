// Raw packets with a hex dump each (device page and data browser).
import { t, tMaybe } from '../lib/i18n.js';
import { devicePath } from '../lib/router.js';
import type { PacketRow } from '../lib/types.js';
import { Head, TableWrap, Time } from '../components/bits.js';
import { HexView } from '../components/hex-view.js';

export function PacketTable({ rows, showDevice = true }: { rows: PacketRow[]; showDevice?: boolean }) {
  if (rows.length === 0) return <p class="muted">{t('data.empty')}</p>;
  return (
    <TableWrap label={t('device.packets')}>
      <table class="packets">
        <Head
          cols={[
            t('col.time'),
            showDevice && t('col.device'),
            t('col.direction'),
            t('col.kind'),
            t('col.bytes'),
            t('col.note'),
          ]}
        />
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <td>
                <Time at={p.at} ms />
              </td>
              {showDevice && (
                <td>{p.registrationId ? <a href={devicePath(p.registrationId)}>{p.registrationId}</a> : '—'}</td>
              )}
              <td>{tMaybe('direction', p.direction)}</td>
              <td>{tMaybe('kind', p.kind)}</td>
              <td>
                <HexView hex={p.hex} />
              </td>
              <td>{p.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
