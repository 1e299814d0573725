/**
 * `/comments` and `/api/comments`: a comment box. A comment is sanitized once, when it arrives, with
 * `bulwark/sanitize` (the `basic` profile for HTML, or `linkify` for plain text) and rendered as HTML
 * under the page's strict nonce CSP; names are escaped text. Comments live in memory: newest first,
 * at most 20, each at most 8 KiB.
 */

import express from 'express';
import { createSanitizer, linkify } from '../../../dist/core/sanitize/index.js';
import { html, raw } from '../layout.js';

const MAX_COMMENTS = 20;
const MAX_COMMENT_BYTES = 8 * 1024;
const MAX_NAME_LENGTH = 80;
const FORMATS = ['html', 'text'];

const SEED = {
  name: 'bulwark',
  format: 'html',
  text: 'Welcome! <b>Bold</b>, <em>emphasis</em> and <a href="https://example.com/" target="_blank">links</a> stay; ' +
    '<img src=x onerror="alert(1)">, <script>alert(2)</script> and <a href="javascript:alert(3)">script links</a> do not.',
};

/** One sanitizer for the demo, with a small input cap to match the form's limit. */
const sanitizer = createSanitizer({ maxInputBytes: MAX_COMMENT_BYTES });

/** Turns a submission into a stored comment, or an error message for the visitor. */
export function makeComment(input) {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const text = typeof input.comment === 'string' ? input.comment : typeof input.text === 'string' ? input.text : '';
  const format = FORMATS.includes(input.format) ? input.format : 'html';
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return { error: `The name must be 1 to ${MAX_NAME_LENGTH} characters.` };
  if (text.trim().length === 0) return { error: 'The comment is empty.' };
  if (Buffer.byteLength(text) > MAX_COMMENT_BYTES) return { error: `The comment is longer than ${MAX_COMMENT_BYTES} bytes.` };
  const rendered = format === 'text' ? linkify(text) : sanitizer.sanitize(text, { profile: 'basic' });
  return { comment: { name, format, text, html: rendered, at: new Date().toISOString() } };
}

function commentList(comments) {
  if (comments.length === 0) return html`<p id="no-comments">No comments yet.</p>`;
  return html`<div id="comments">${comments.map(
    (comment) => html`<article class="comment">
      <p><strong class="comment-author">${comment.name}</strong> <small><time datetime="${comment.at}">${comment.at.slice(0, 19).replace('T', ' ')} UTC</time>,
        ${comment.format === 'text' ? 'plain text, linkified' : 'HTML, basic profile'}</small></p>
      <div class="comment-body">${raw(comment.html)}</div>
      <details><summary>What was sent, and what was kept</summary>
        <p>Sent:</p><pre><code>${comment.text}</code></pre>
        <p>Kept (the HTML above):</p><pre><code>${comment.html}</code></pre>
      </details>
    </article>`,
  )}</div>`;
}

function page(demo, res, comments, { status = 200, error, values = {} } = {}) {
  const format = FORMATS.includes(values.format) ? values.format : 'html';
  demo.render(res, {
    title: 'Comments',
    status,
    body: html`<p>Comments are sanitized once, on arrival, by <code>bulwark/sanitize</code>: HTML with the
      <code>basic</code> profile (bold, italics, code, quotes, lists and http/https/mailto links, which get
      <code>rel="noopener noreferrer nofollow"</code>), plain text with <code>linkify</code>. The result is put
      in the page as HTML, under the same strict nonce-based CSP as every page here: even if something slipped
      through, an injected script without the nonce could not run. Try <code>&lt;img src=x onerror=alert(1)&gt;</code>.</p>
      <form method="post" action="/comments" id="comment-form">
        <input type="hidden" name="_csrf" value="${res.locals.bulwark.csrfToken ?? ''}">
        <p><label>Name <input name="name" value="${values.name ?? ''}" maxlength="${MAX_NAME_LENGTH}" required></label></p>
        <p><label>Comment<br><textarea name="comment" rows="5" cols="70" required>${values.comment ?? ''}</textarea></label></p>
        <p><label><input type="radio" name="format" value="html" ${format === 'html' ? 'checked' : ''}> HTML</label>
          <label><input type="radio" name="format" value="text" ${format === 'text' ? 'checked' : ''}> Plain text (links made clickable)</label>
          <button type="submit">Post</button></p>
      </form>
      ${error ? html`<p class="bad" id="comment-error">${error}</p>` : ''}
      <h2>${comments.length} comment${comments.length === 1 ? '' : 's'} (newest first, the last ${MAX_COMMENTS} kept)</h2>
      ${commentList(comments)}`,
  });
}

export const commentsFeature = {
  path: '/comments',
  title: 'Comments',
  summary: 'a comment box: HTML sanitized with bulwark/sanitize, rendered under the strict CSP',
  tryIt: (base) => [
    {
      note: 'Post a comment with an attack in it: the JSON reply shows what was kept',
      command: `curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"name":"Mallory","comment":"<b>hi</b> <img src=x onerror=alert(1)> <a href=\\"javascript:alert(1)\\">click</a>"}' ${base}/api/comments`,
    },
    { note: 'The comment box as a browser gets it: the kept HTML, nothing that runs', command: `curl -s ${base}/comments | grep -A1 'comment-body'` },
  ],
  register({ pages, api, demo }) {
    const { comment: seeded } = makeComment({ name: SEED.name, comment: SEED.text, format: SEED.format });
    const comments = [seeded];
    const add = (comment) => {
      comments.unshift(comment);
      comments.length = Math.min(comments.length, MAX_COMMENTS);
    };
    const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 10 });

    pages.get('/comments', (req, res) => page(demo, res, comments));
    pages.post('/comments', form, (req, res) => {
      const body = req.body ?? {};
      const { comment, error } = makeComment(body);
      if (error) return page(demo, res, comments, { status: 422, error, values: body });
      add(comment);
      res.redirect(303, '/comments');
    });
    api.get('/comments', (req, res) => res.json({ comments: comments.map(({ name, format, html: kept, at }) => ({ name, format, html: kept, at })) }));
    api.post('/comments', express.json({ limit: '16kb' }), (req, res) => {
      const body = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      const { comment, error } = makeComment(body);
      if (error) return res.status(422).json({ error });
      add(comment);
      res.status(201).json({ name: comment.name, format: comment.format, sent: comment.text, html: comment.html });
    });
  },
};
