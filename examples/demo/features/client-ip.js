/** `/ip` and `/api/ip`: who the client is, with forwarding headers trusted only from loopback proxies. */


import { createClientIpResolver, subnetKey } from '../../../dist/core/index.js';
import { html } from '../layout.js';

// What the same request would resolve to if no proxy were trusted (the default, trustProxy: false).
const untrusted = createClientIpResolver({ trustProxy: false });

function explain(req, context) {
  const forwardedFor = req.get('x-forwarded-for');
  const headers = new Headers();
  if (forwardedFor !== undefined) headers.set('x-forwarded-for', forwardedFor);
  const url = new URL(`http://${context.host}${req.originalUrl}`);
  const withoutTrust = untrusted({ remoteAddress: req.socket.remoteAddress, headers, url }).ip;
  return {
    socketPeer: req.socket.remoteAddress ?? null,
    xForwardedFor: forwardedFor ?? null,
    clientIp: context.clientIp ?? null,
    clientIpWithoutTrustedProxies: withoutTrust ?? null,
    rateLimitKey: context.clientIp === undefined ? null : subnetKey(context.clientIp) ?? null,
  };
}

export const clientIpFeature = {
  path: '/ip',
  title: 'Client IP',
  summary: 'trustProxy: loopback, forged X-Forwarded-For entries ignored',
  tryIt: (base) => [
    { note: 'X-Forwarded-For from a trusted proxy (loopback): clientIp is 203.0.113.7', command: `curl -s -H 'X-Forwarded-For: 203.0.113.7' ${base}/api/ip` },
    { note: 'A forged entry: the client wrote 6.6.6.6, the proxy appended 203.0.113.7; 6.6.6.6 is ignored', command: `curl -s -H 'X-Forwarded-For: 6.6.6.6, 203.0.113.7' ${base}/api/ip` },
  ],
  register({ pages, api, demo }) {
    api.get('/ip', (req, res) => {
      res.json(explain(req, res.locals.bulwark));
    });
    pages.get('/ip', (req, res) => {
      const facts = explain(req, res.locals.bulwark);
      demo.render(res, {
        title: 'Client IP',
        body: html`
          <p>This app trusts proxies on loopback (<code>trustProxy: 'loopback'</code>). Forwarding headers are read
          only when the socket peer is trusted, and walked right to left: the first address that is not a trusted
          proxy is the client, and anything to its left (which the client could have written) is ignored.</p>
          <table id="ip">
            <tr><th>Socket peer</th><td><code>${facts.socketPeer ?? 'unknown'}</code></td></tr>
            <tr><th>X-Forwarded-For</th><td><code>${facts.xForwardedFor ?? '(none)'}</code></td></tr>
            <tr><th>Client IP</th><td><code>${facts.clientIp ?? 'unknown'}</code></td></tr>
            <tr><th>If no proxy were trusted</th><td><code>${facts.clientIpWithoutTrustedProxies ?? 'unknown'}</code></td></tr>
            <tr><th>Rate-limit key (IPv6 /56)</th><td><code>${facts.rateLimitKey ?? 'none'}</code></td></tr>
          </table>
          <p>Try <code>curl -s -H 'X-Forwarded-For: 6.6.6.6, 203.0.113.7' …/api/ip</code>: a client forged
          <code>6.6.6.6</code>, your proxy appended the real <code>203.0.113.7</code>; bulwark picks the latter.</p>`,
      });
    });
  },
};
