// Body and topic templates of rule actions. Pure.
//
// A template is any JSON value. In strings, `{{path}}` is replaced by the value at that
// path of the event envelope (`{{deviceId}}`, `{{payload.value}}`). A string that is one
// placeholder and nothing else takes the value with its type (a number stays a number); an
// unknown path gives null there, and an empty string inside longer text.
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w.]+)\s*\}\}$/;

export function render(template: unknown, context: unknown): unknown {
  if (typeof template === 'string') return renderString(template, context);
  if (Array.isArray(template)) return template.map((item) => render(item, context));
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) out[key] = render(value, context);
    return out;
  }
  return template;
}

export function renderText(template: string, context: unknown): string {
  return template.replace(PLACEHOLDER, (_, path: string) => text(lookup(context, path)));
}

function renderString(template: string, context: unknown): unknown {
  const whole = WHOLE.exec(template);
  if (whole) return lookup(context, whole[1]!) ?? null;
  return renderText(template, context);
}

function lookup(context: unknown, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
