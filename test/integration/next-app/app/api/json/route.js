import { createBulwark } from 'bulwark';
import { protectRoute } from 'bulwark/next';

const variant = process.env.BULWARK_NEXT_VARIANT ?? 'default';
const bulwark = createBulwark({
  headers: { preset: 'api' },
  ...(variant === 'https-redirect' ? { httpsRedirect: true } : {}),
  ...(variant === 'behind-proxy' ? { trustProxy: 1 } : {}),
});

export const GET = protectRoute(bulwark, (_request, context) =>
  Response.json({ ok: true, requestId: context.requestId, clientIp: context.clientIp ?? null }),
);

// Reads the body through the limit bulwark put on it (1 MiB for JSON): past it the read fails and the answer is 413.
export const POST = protectRoute(bulwark, async (request) => Response.json({ size: (await request.arrayBuffer()).byteLength }));
