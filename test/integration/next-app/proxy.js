// Written as a user would: the package, not the repository's source.
import { createBulwark } from 'bulwark';
import { protect } from 'bulwark/next';

// One build serves several test variants; a real app writes its options here.
const variant = process.env.BULWARK_NEXT_VARIANT ?? 'default';
const options = {
  default: {},
  'https-redirect': { httpsRedirect: true },
  'behind-proxy': { trustProxy: 1 },
};

export const proxy = protect(createBulwark(options[variant]));

// Route handlers under /api protect themselves with protectRoute.
export const config = { matcher: ['/((?!api/).*)'] };
