/** `/`: what the demo shows, plus proof that CSP runs the nonce'd script and blocks the other one. */

import { html, raw } from '../layout.js';

// No nonce on purpose: the enforced CSP must block this. If it ran, the page would say so.
const UNNONCED_SCRIPT = `document.getElementById('csp-blocked').textContent = 'CSP FAILED: a script without the nonce ran.';
document.getElementById('csp-blocked').className = 'bad';`;

export const homeFeature = {
  path: '/',
  title: 'Home',
  summary: 'what is switched on, and CSP at work',
  tryIt: (base) => [
    { note: 'Security headers on a page (html preset). Run it twice: the CSP nonce changes', command: `curl -i ${base}/` },
    { note: 'A well-formed incoming X-Request-Id is kept and echoed', command: `curl -i -H 'X-Request-Id: my-trace-0001' ${base}/` },
  ],
  register({ pages, demo }) {
    pages.get('/', (req, res) => {
      const items = demo.features
        .filter((feature) => feature.path !== '/')
        .map((feature) => html`<li><a href="${feature.path}">${feature.title}</a>: ${feature.summary}</li>`);
      demo.render(res, {
        title: 'What is switched on',
        body: html`
          <p>Every protection bulwark has so far is switched on for this Express app, on embedded memory only.</p>
          <ul>${items}</ul>
          <h2>CSP at work</h2>
          <p>This page has two inline scripts. The one with this request's nonce ran (see the line under the
          title). The one without a nonce was blocked by the <code>Content-Security-Policy</code> header:</p>
          <p id="csp-blocked" class="ok">The inline script without a nonce did not run.</p>
          <script data-demo="no-nonce">${raw(UNNONCED_SCRIPT)}</script>
          <p>Reload: the nonce below is new on every response, so a script injected into the page cannot guess it.</p>`,
      });
    });
  },
};
