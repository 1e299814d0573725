/** `/events`: the latest security events (bulwark's `onEvent` sink), already redacted. */

import { html } from '../layout.js';

export const eventsFeature = {
  path: '/events',
  title: 'Events',
  summary: 'security events as bulwark emits them (the console shows the access log too)',
  tryIt: (base) => [{ note: 'Recent security events as JSON (the 400 above is one)', command: `curl -s ${base}/api/events` }],
  register({ pages, api, demo }) {
    api.get('/events', (req, res) => {
      res.json({ events: demo.feed.list() });
    });
    pages.get('/events', (req, res) => {
      const rows = demo.feed.list().map(
        (event) => html`<tr>
          <td>${event.time}</td><td><code>${event.type}</code></td><td>${event.level}</td>
          <td>${event.description}</td><td><code>${event.clientIp ?? ''}</code></td><td><code>${event.requestId ?? ''}</code></td>
        </tr>`,
      );
      demo.render(res, {
        title: 'Security events',
        body: html`
          <p>Named after the OWASP logging vocabulary. Send a bad <code>Host</code> header and reload.</p>
          <table id="events">
            <tr><th>Time</th><th>Type</th><th>Level</th><th>Description</th><th>Client IP</th><th>Request id</th></tr>
            ${rows.length ? rows : html`<tr><td colspan="6">No security events yet.</td></tr>`}
          </table>`,
      });
    });
  },
};
