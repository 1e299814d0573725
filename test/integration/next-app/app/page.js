import { headers } from 'next/headers';
import { createElement } from 'react';
import { readContext } from 'bulwark/next';

// Reading headers() makes the page dynamic, so every request gets its own nonce.
export default async function Page() {
  const context = readContext(await headers());
  return createElement(
    'main',
    null,
    createElement('h1', null, 'bulwark + Next.js'),
    createElement('pre', { id: 'context' }, JSON.stringify(context ?? null)),
    createElement('script', {
      id: 'inline',
      nonce: context?.nonce,
      dangerouslySetInnerHTML: { __html: 'document.documentElement.dataset.inline = "ran";' },
    }),
  );
}
