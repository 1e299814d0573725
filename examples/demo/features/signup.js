/**
 * `/signup` and `/api/signup`: a signup form (name, e-mail, website, bio) checked by the validators
 * of `bulwark/validate`, with what the injection detectors of `bulwark/detect` found in each field.
 */

import express from 'express';
import { inspect } from '../../../dist/core/detect/index.js';
import { validateEmail, validateString, validateUrl } from '../../../dist/core/validate/index.js';
import { html } from '../layout.js';

const LEVELS = ['strict', 'standard', 'permissive'];
const FIELDS = ['name', 'email', 'website', 'bio'];
const EXAMPLE = { name: 'Zoë Lee', email: 'Zoe.Lee@Example.COM', website: 'https://example.org/~zoe', bio: 'I select the union option on every form.' };

/** Validates one submitted form. Values arrive as strings, or arrays when a field is repeated. */
export function checkSignup(input, level) {
  const results = {
    name: validateString(input.name, { minLength: 1, maxLength: 80, allow: ['letters', 'marks', 'spaces'], allowChars: "-'.", level }),
    email: validateEmail(input.email),
    website: input.website === undefined || input.website === '' ? { success: true, output: '' } : validateUrl(input.website),
    bio: validateString(input.bio ?? '', { maxLength: 1000, multiline: true, level }),
  };
  // The raw form as a whole, as a pipeline guard would see it: findings carry the field as their path.
  const raw = Object.fromEntries(FIELDS.map((field) => [field, input[field] ?? '']));
  let findings;
  try {
    findings = inspect(raw, { level }).findings;
  } catch (error) {
    // Over the detectors' structure limits (a deeply nested JSON field, say): report, do not crash.
    findings = [{ kind: 'limit', path: '$', evidence: error instanceof Error ? error.message : 'not inspected' }];
  }
  const fields = Object.fromEntries(
    FIELDS.map((field) => {
      const result = results[field];
      return [field, result.success ? { ok: true, value: result.output } : { ok: false, issues: result.issues.map(({ code, message }) => ({ code, message })) }];
    }),
  );
  return { ok: FIELDS.every((field) => results[field].success), level, fields, findings };
}

function levelOf(value) {
  return LEVELS.includes(value) ? value : 'standard';
}

function form(values, level, csrfToken) {
  const options = LEVELS.map((name) => html`<option value="${name}" ${name === level ? 'selected' : ''}>${name}</option>`);
  return html`<form method="post" action="/signup" id="signup-form">
    <input type="hidden" name="_csrf" value="${csrfToken ?? ''}">
    <p><label>Name <input name="name" value="${values.name ?? ''}" maxlength="200"></label></p>
    <p><label>E-mail <input name="email" value="${values.email ?? ''}" maxlength="400"></label></p>
    <p><label>Website <input name="website" value="${values.website ?? ''}" maxlength="2100"></label></p>
    <p><label>Bio<br><textarea name="bio" rows="4" cols="60" maxlength="2000">${values.bio ?? ''}</textarea></label></p>
    <p><label>Security level <select name="level">${options}</select></label>
    <button type="submit">Sign up</button></p>
  </form>`;
}

function report(outcome) {
  const rows = FIELDS.map((field) => {
    const result = outcome.fields[field];
    const verdict = result.ok
      ? html`<span class="ok">ok</span> <code>${result.value}</code>`
      : html`<span class="bad">refused</span> ${result.issues.map((issue) => html`<code>${issue.code}</code> ${issue.message}`)}`;
    return html`<tr><th>${field}</th><td data-field="${field}">${verdict}</td></tr>`;
  });
  const findings = outcome.findings.length === 0
    ? html`<p id="findings">No findings at level <code>${outcome.level}</code>.</p>`
    : html`<table id="findings">
        <tr><th>Kind</th><th>Where</th><th>Evidence</th></tr>
        ${outcome.findings.map((f) => html`<tr><td>${f.kind}</td><td><code>${f.path}</code></td><td><code>${f.evidence}</code></td></tr>`)}
      </table>`;
  return html`<h2>Result: <span class="${outcome.ok ? 'ok' : 'bad'}" id="verdict">${outcome.ok ? 'accepted' : 'refused'}</span></h2>
    <table id="fields">${rows}</table>
    <h2>Detector findings on the raw form</h2>
    ${findings}`;
}

function page(demo, res, values, level, outcome) {
  demo.render(res, {
    title: 'Signup validation',
    status: outcome && !outcome.ok ? 422 : 200,
    body: html`<p>Each field goes through a validator from <code>bulwark/validate</code>: the name through
      <code>validateString</code> (letters only, NFC, no control characters, injection detectors at the chosen
      level), the e-mail through <code>validateEmail</code> (normalized: lower-case ASCII domain), the website
      through <code>validateUrl</code> (http/https only, no credentials, no internal hosts). Below the verdicts,
      <code>inspect()</code> from <code>bulwark/detect</code> shows what it finds in the raw form.</p>
      ${form(values, level, res.locals.bulwark.csrfToken)}
      ${outcome ? report(outcome) : ''}`,
  });
}

export const signupFeature = {
  path: '/signup',
  title: 'Signup validation',
  summary: 'validators for a signup form (name, e-mail, URL, bio) and the injection findings',
  tryIt: (base) => [
    {
      note: 'A valid signup: the e-mail domain comes back lower-cased, the URL normalized',
      command: `curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"name":"Zoë Lee","email":"Zoe@Example.COM","website":"HTTPS://example.org","bio":"Hello"}' ${base}/api/signup`,
    },
    {
      note: 'An attack in every field: 422 with the issues and the detector findings',
      command: `curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"name":"<svg onload=alert(1)>","email":"a@b@c","website":"java\\tscript:alert(1)","bio":"1 UNION SELECT password FROM users--"}' ${base}/api/signup`,
    },
    {
      note: 'The same attack under /api/guarded, where the pipeline injection guard blocks bodies and queries: 400 before the handler runs',
      command: `curl -si -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"name":"Eve","bio":"1 UNION SELECT password FROM users--"}' ${base}/api/guarded/signup | head -1; curl -si "${base}/api/guarded/search?q=%27%20OR%20%271%27%3D%271" | head -1`,
    },
  ],
  register({ pages, api, guarded, demo }) {
    pages.get('/signup', (req, res) => page(demo, res, EXAMPLE, 'standard'));
    pages.post('/signup', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }), (req, res) => {
      const body = req.body ?? {};
      const level = levelOf(body.level);
      page(demo, res, body, level, checkSignup(body, level));
    });
    const signupApi = (req, res) => {
      const body = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      const outcome = checkSignup(body, levelOf(req.query.level));
      res.status(outcome.ok ? 200 : 422).json(outcome);
    };
    api.post('/signup', express.json({ limit: '16kb' }), signupApi);
    // Behind the blocking injection guard: an attack never reaches these handlers.
    guarded.post('/signup', express.json({ limit: '16kb' }), signupApi);
    guarded.get('/search', (req, res) => res.json({ q: String(req.query.q ?? ''), results: [] }));
  },
};
