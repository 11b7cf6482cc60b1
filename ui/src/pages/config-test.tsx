// What a test read of an unsaved point or task decoded, block by block.
import { t } from '../lib/i18n.js';
import type { TestReadResult } from '../lib/types.js';
import { ErrorNote, Head, TableWrap } from '../components/bits.js';

export function TestResult(props: {
  device: string;
  result: TestReadResult | null;
  error: Error | null;
  busy: boolean;
}) {
  if (props.busy)
    return (
      <p class="note" role="status">
        {t('config.testing')}
      </p>
    );
  if (props.error) return <ErrorNote error={props.error} />;
  if (!props.result) return null;
  return (
    <section class="card config-test" aria-label={t('config.testOf', { device: props.device })}>
      <p>{t('config.testOf', { device: props.device })}</p>
      {props.result.blocks.map((b, i) => (
        <div key={i}>
          <p>
            {t('config.block', {
              slave: String(b.slave),
              fn: String(b.fn),
              address: String(b.address),
              quantity: String(b.quantity),
              result: b.result,
            })}
          </p>
          {b.values.length > 0 && (
            <TableWrap label={t('config.testOf', { device: props.device })}>
              <table>
                <Head cols={[t('config.points'), t('config.value'), t('config.unit'), t('config.raw')]} />
                <tbody>
                  {b.values.map((v) => (
                    <tr key={v.point} data-point={v.point}>
                      <th scope="row">{v.point}</th>
                      <td class="num">{v.text ?? v.value}</td>
                      <td>{v.unit ?? ''}</td>
                      <td>
                        <code>{v.raw}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </div>
      ))}
    </section>
  );
}
