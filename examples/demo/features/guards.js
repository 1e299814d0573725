/**
 * `/guards`: request limits, IP rules and CSRF. A form that posts with its CSRF token, an upload
 * endpoint with its own body limit, and an admin area that only 10.0.0.0/8 may reach.
 */

import { html } from '../layout.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The routes these pages need; demo options put them on the pages' bulwark. */
export const guardRoutes = [
  // Uploads get their own limit (the global multipart default is 10 MiB; 2 MiB here, to try 413 with curl).
  { path: '/upload', methods: ['POST'], limits: { maxBodyBytes: { multipart: 2 * MiB, other: 2 * MiB }, contentTypes: ['multipart/form-data', 'application/octet-stream'] } },
  // The admin area: only from the internal network (the demo trusts loopback as a proxy, so X-Forwarded-For decides).
  { path: '/admin/**', ipRules: { allow: ['10.0.0.0/8'] } },
];

/** Reads the request body to the end; bulwark stops it at the route's limit (413). */
function bodySize(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    req.on('data', (chunk) => (size += chunk.length));
    req.on('end', () => resolve(size));
    req.on('error', reject);
  });
}

export const guardsFeature = {
  path: '/guards',
  title: 'Limits, IP rules, CSRF',
  summary: 'a CSRF-protected form, an upload with its own limit, an admin area for 10.0.0.0/8',
  tryIt: (base) => [
    { note: 'A cross-site form POST: 403 (Sec-Fetch-Site: cross-site)', command: `curl -i -X POST -H 'Sec-Fetch-Site: cross-site' -d amount=100 ${base}/guards/transfer` },
    { note: 'A POST with no Sec-Fetch-Site, Origin or CSRF token: 403', command: `curl -i -X POST -d amount=100 ${base}/guards/transfer` },
    { note: 'A 3000-byte URL: 414', command: `curl -i "${base}/guards?q=$(head -c 3000 /dev/zero | tr '\\0' a)"` },
    { note: 'A 3 MB upload against the 2 MiB limit of /upload: 413', command: `head -c 3000000 /dev/zero | curl -i -X POST -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/octet-stream' --data-binary @- ${base}/upload` },
    { note: 'The admin area from loopback: 403; from 10.1.2.3 (via the trusted loopback proxy): 200', command: `curl -i ${base}/admin; curl -i -H 'X-Forwarded-For: 10.1.2.3' ${base}/admin` },
  ],
  register({ pages, demo }) {
    pages.get('/guards', (req, res) => {
      const { csrfToken } = res.locals.bulwark;
      demo.render(res, {
        title: 'Limits, IP rules, CSRF',
        body: html`
          <h2>A form with a CSRF token</h2>
          <p>Browsers send <code>Sec-Fetch-Site</code>, which is enough on its own. The hidden
          <code>_csrf</code> field is the fallback for clients that send neither it nor <code>Origin</code>.</p>
          <form method="post" action="/guards/transfer">
            <input type="hidden" name="_csrf" value="${csrfToken ?? ''}">
            <label>Amount <input name="amount" value="100" inputmode="numeric"></label>
            <button id="transfer">Transfer</button>
          </form>
          <h2>An upload with its own limit</h2>
          <p><code>/upload</code> takes up to 2 MiB; a larger file is cut off at the limit and answered 413.</p>
          <form method="post" action="/upload" enctype="multipart/form-data">
            <input type="file" name="file"> <button>Upload</button>
          </form>
          <h2>An admin area behind an IP rule</h2>
          <p><a href="/admin">/admin</a> is for <code>10.0.0.0/8</code> only: from here it answers 403.</p>`,
      });
    });

    pages.post('/guards/transfer', (req, res) => {
      demo.render(res, { title: 'Transfer accepted', body: html`<p class="ok" id="accepted">Accepted: the request came from this site.</p>` });
    });

    pages.post('/upload', (req, res, next) => {
      bodySize(req).then((size) => res.json({ received: size }), next);
    });

    pages.get('/admin', (req, res) => {
      demo.render(res, { title: 'Admin', body: html`<p id="admin">Welcome, ${res.locals.bulwark.clientIp}: you are on the internal network.</p>` });
    });
  },
};
