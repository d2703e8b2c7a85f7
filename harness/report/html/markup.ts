/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already Markup.
 * Runtime output (bodies, headers, log lines) is untrusted text and must never become markup.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Markup | string | number | boolean | null | undefined | readonly Part[];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

/** Text that is already safe markup (assets read from the package, never runtime output). */
export const trusted = (s: string): Markup => new Markup(s);

/** JSON for a <script type="application/json"> block: `<` escaped so no runtime text can close the tag. */
export function jsonScript(id: string, data: unknown): Markup {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return new Markup(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}

/** An id usable in a URL fragment and as an element id. */
export function anchorId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_.-]+/g, '_')).join('--');
}
