/**
 * The demo's features, in menu order. Each one is a small module:
 *
 *   { path, title, summary, tryIt(base) -> { note, command }[], register({ pages, api, demo }) }
 *
 * `pages` is an Express router behind the `html` bulwark, `api` one behind the `api` bulwark
 * (mounted at /api). A later feature (rate limits, CSRF, a sanitized comment box, ...) joins the demo
 * by adding its module here.
 */

import { apiFeature } from './api.js';
import { clientIpFeature } from './client-ip.js';
import { eventsFeature } from './events.js';
import { guardsFeature } from './guards.js';
import { webhookSecretFeature } from './webhook-secret.js';
import { accountFeature } from './account.js';
import { sessionsFeature } from './sessions.js';
import { signupFeature } from './signup.js';
import { commentsFeature } from './comments.js';
import { rateLimitFeature } from './rate-limit.js';
import { headersFeature } from './headers.js';
import { homeFeature } from './home.js';

export const features = [homeFeature, headersFeature, clientIpFeature, guardsFeature, rateLimitFeature, signupFeature, commentsFeature, accountFeature, sessionsFeature, webhookSecretFeature, eventsFeature, apiFeature];
