/** `/headers`: the security headers this very response carries, and the ones that depend on the request. */

import { html } from '../layout.js';

const SECURITY_HEADERS = new Set([
  'content-security-policy', 'content-security-policy-report-only', 'reporting-endpoints', 'strict-transport-security',
  'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy', 'cross-origin-opener-policy',
  'cross-origin-resource-policy', 'cross-origin-embedder-policy', 'x-permitted-cross-domain-policies',
  'x-dns-prefetch-control', 'origin-agent-cluster', 'x-xss-protection', 'cache-control', 'x-request-id',
]);

export const headersFeature = {
  path: '/headers',
  title: 'Security headers',
  summary: "the html preset's headers on this response, HSTS, HTTPS redirect",
  tryIt: (base) => [
    { note: 'Just the CSP and the request id; run it twice to see a fresh nonce', command: `curl -si ${base}/headers | grep -i -E '^(content-security|x-request-id)'` },
    { note: 'HSTS appears when a trusted proxy (loopback here) says the client used HTTPS', command: `curl -si -H 'X-Forwarded-Proto: https' ${base}/ | grep -i strict-transport` },
    { note: 'A malformed Host header: 400 and an input_validation_fail event', command: `curl -i -H 'Host: bad..host' ${base}/` },
  ],
  register({ pages, demo }) {
    pages.get('/headers', (req, res) => {
      const rows = Object.entries(res.getHeaders())
        .filter(([name]) => SECURITY_HEADERS.has(name))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => html`<tr><th>${name}</th><td><code>${String(value)}</code></td></tr>`);
      const hsts = res.getHeader('strict-transport-security') !== undefined;
      demo.render(res, {
        title: 'Security headers',
        body: html`
          <p>The headers bulwark set on this response (preset <code>html</code>, with a report-only policy
          trialling Trusted Types and cross-origin isolation switched on):</p>
          <table id="security-headers">${rows}</table>
          <p><code>X-Powered-By</code> and <code>Server</code> were removed before sending.</p>
          <h2>Strict-Transport-Security</h2>
          <p id="hsts">${hsts
            ? 'Sent on this response: it reached the edge over HTTPS (a trusted proxy said so).'
            : html`Not sent: this request came over plain HTTP, where browsers ignore HSTS. Send
              <code>X-Forwarded-Proto: https</code> from loopback (a trusted proxy here) to see it.`}</p>
          <h2>HTTPS redirect</h2>
          <p>Off in this demo, which serves plain HTTP on your machine. In production, switch it on:
          <code>createBulwark({ httpsRedirect: true })</code> answers plain-HTTP requests with
          <code>308</code> to the same path on <code>https://</code>. Behind a trusted proxy that says
          <code>X-Forwarded-Proto: https</code> the request counts as secure and is not redirected.</p>`,
      });
    });
  },
};
