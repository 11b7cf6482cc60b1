// A raw packet as a hex dump (offset, bytes, printable ASCII), shown on request.
import { hexDump, spacedHex } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { Head } from './bits.js';

export function HexView({ hex }: { hex: string }) {
  const bytes = hex.length / 2;
  return (
    <details class="hex">
      <summary>
        <code>{spacedHex(hex, 12)}</code> <span class="muted">({bytes} B)</span>
      </summary>
      <table class="hex-dump">
        <Head cols={[t('hex.offset'), t('hex.hex'), t('hex.ascii')]} />
        <tbody>
          {hexDump(hex).map((line) => (
            <tr key={line.offset}>
              <td>{line.offset}</td>
              <td>{line.hex}</td>
              <td>{line.ascii}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
