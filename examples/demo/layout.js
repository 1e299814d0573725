/**
 * HTML for the demo pages. Every inline <script> and <style> carries the request's CSP nonce; the
 * policy blocks anything else (the home page includes one un-nonce'd script to show exactly that).
 */

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Tagged template: interpolated values are escaped unless wrapped with `raw()`. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    const text = Array.isArray(value) ? value.map(asHtml).join('') : asHtml(value);
    out += text + strings[i + 1];
  });
  return { __html: out };
}

export function raw(text) {
  return { __html: String(text) };
}

function asHtml(value) {
  return value !== null && typeof value === 'object' && '__html' in value ? value.__html : escapeHtml(value);
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 52rem; padding: 1rem 1.5rem; color: #1d2327; }
  nav a { margin-right: 1rem; }
  code, pre { background: #f3f4f6; border-radius: 4px; padding: 0.1rem 0.3rem; }
  pre { padding: 0.6rem; overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
  td code { word-break: break-all; }
  .ok { color: #0a7d32; font-weight: 600; }
  .bad { color: #b3261e; font-weight: 600; }
`;

// Proves the nonce'd script ran: CSP would have blocked it without the right nonce.
const CHECK_SCRIPT = `
  const check = document.getElementById('csp-check');
  check.textContent = "The nonce'd inline script ran.";
  check.className = 'ok';
`;

/** Table of the request's context: what `res.locals.bulwark` holds. */
export function contextTable(context) {
  return html`<table id="context">
    <tr><th>Request id</th><td><code data-field="requestId">${context.requestId}</code></td></tr>
    <tr><th>Client IP</th><td><code data-field="clientIp">${context.clientIp ?? 'unknown'}</code></td></tr>
    <tr><th>CSP nonce</th><td><code data-field="nonce">${context.nonce ?? 'none'}</code></td></tr>
    <tr><th>Reached the edge over TLS</th><td><code data-field="secure">${String(context.secure)}</code></td></tr>
    <tr><th>Host</th><td><code data-field="host">${context.host}</code></td></tr>
  </table>`;
}

/** A full page. `nav` lists `{ path, title }`; `body` is the html`` result of a feature. */
export function renderPage({ title, context, nav, body }) {
  const nonce = context.nonce ?? '';
  const links = nav.map((item) => html`<a href="${item.path}">${item.title}</a>`);
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · bulwark demo</title>
  <style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
  <nav>${links}</nav>
  <h1>${title}</h1>
  <p id="csp-check" class="bad">The nonce'd inline script did not run.</p>
  ${body}
  <h2>This request</h2>
  ${contextTable(context)}
  <script nonce="${nonce}">${raw(CHECK_SCRIPT)}</script>
</body>
</html>
`.__html;
}
