// A date and time typed as "2026-12-07 18:30": 24-hour on every page. A native
// datetime-local follows the browser's locale, not the page's (AM/PM on the Chinese page
// of an en-US browser), so the page keeps the format itself.
import { useState } from 'preact/hooks';
import { LOCAL_INPUT_PATTERN, fromLocalInput } from '../lib/format.js';
import { t } from '../lib/i18n.js';

/** `value` and `onChange` speak "YYYY-MM-DD HH:mm" text; an unreadable time is refused in place. */
export function DateTimeInput({
  id,
  value,
  onChange,
  required = false,
}: {
  id: string;
  value: string;
  onChange: (text: string) => void;
  required?: boolean;
}) {
  // What is being typed, kept apart from `value`: the page re-renders with live data every
  // second or so, and must not put the old time back under the operator's fingers.
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      id={id}
      type="text"
      class="date-time"
      inputMode="numeric"
      autoComplete="off"
      spellcheck={false}
      size={16}
      pattern={LOCAL_INPUT_PATTERN}
      placeholder="YYYY-MM-DD HH:mm"
      title={t('chart.dateTime')}
      required={required}
      value={draft ?? value}
      onInput={(e) => setDraft(e.currentTarget.value)}
      onChange={(e) => {
        const input = e.currentTarget;
        const text = input.value.trim();
        const readable = text === '' || fromLocalInput(text) !== undefined;
        input.setCustomValidity(readable ? '' : t('chart.badDateTime'));
        if (readable) {
          setDraft(null);
          onChange(text);
        } else input.reportValidity();
      }}
    />
  );
}
