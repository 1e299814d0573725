/** `/api/info` (the `api` preset) and `/api/csp-reports` (where browsers send CSP violation reports). */

import express from 'express';

const REPORT_TYPES = ['application/reports+json', 'application/csp-report', 'application/json'];

export const apiFeature = {
  path: '/api/info',
  title: 'JSON API',
  summary: "a second bulwark with the api preset: default-src 'none', Cache-Control: no-store",
  tryIt: (base) => [{ note: "JSON under the api preset: default-src 'none', Cache-Control: no-store", command: `curl -i ${base}/api/info` }],
  register({ api, demo }) {
    api.get('/info', (req, res) => {
      const { requestId, clientIp, nonce, secure, host } = res.locals.bulwark;
      res.json({ preset: 'api', requestId, clientIp: clientIp ?? null, nonce: nonce ?? null, secure, host });
    });
    // Reporting API (Reporting-Endpoints) and legacy report-uri bodies, bounded in size.
    api.post('/csp-reports', express.json({ type: REPORT_TYPES, limit: '64kb' }), (req, res) => {
      const reports = Array.isArray(req.body) ? req.body : [req.body];
      for (const report of reports.slice(0, 20)) {
        const body = report?.body ?? report?.['csp-report'] ?? {};
        const directive = body.effectiveDirective ?? body['effective-directive'] ?? 'unknown';
        demo.log(`[browser] CSP report: ${directive} blocked ${body.blockedURL ?? body['blocked-uri'] ?? 'inline'}`);
      }
      res.status(204).end();
    });
  },
};
