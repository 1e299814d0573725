import { describe, expect, it } from 'vitest';
import { createBulwark, type BulwarkOptions, type SecurityEvent } from '../../src/core/index.js';

function judge(options: BulwarkOptions, path: string) {
  const events: SecurityEvent[] = [];
  const bulwark = createBulwark({ ...options, onEvent: (e) => events.push(e) });
  const decision = bulwark.protect({ method: 'GET', url: `http://app.example${path}`, headers: new Headers({ host: 'app.example' }), remoteAddress: '192.0.2.1' });
  return decision.then((d) => ({ status: d.allowed ? 200 : d.status, code: d.allowed ? undefined : d.code, events }));
}

describe('the injection guard in the pipeline', () => {
  it('is off by default', async () => {
    expect((await judge({}, "/?id=1' OR '1'='1")).status).toBe(200);
  });

  it('blocks SQL, XSS and NoSQL operators in the query with 400 and an event without the evidence', async () => {
    for (const path of ["/?id=1'%20OR%20'1'%3D'1", '/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/?user[$ne]=x']) {
      const { status, code, events } = await judge({ injection: true }, path);
      expect(status, path).toBe(400);
      expect(code).toBe('injection_detected');
      const event = events.find((e) => e.type === 'input_validation_fail')!;
      expect(JSON.stringify(event)).not.toMatch(/<script|OR '1'|alert/);
      expect(event.details).toMatchObject({ mode: 'block' });
    }
  });

  it('lets ordinary text through', async () => {
    for (const q of ["O'Brien", 'select the union option', 'Tom & Jerry', '1 < 2']) {
      expect((await judge({ injection: true }, `/?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
  });

  it('report mode lets the request through and records the finding', async () => {
    const { status, events } = await judge({ injection: { mode: 'report' } }, "/?id=1'%20OR%20'1'%3D'1");
    expect(status).toBe(200);
    expect(events.find((e) => e.type === 'input_validation_fail')?.details).toMatchObject({ kinds: ['sql'], mode: 'report' });
  });

  it('rejects bad options at construction', () => {
    expect(() => createBulwark({ injection: { mode: 'warn' as never } })).toThrow(/injection.mode/);
    expect(() => createBulwark({ injection: { level: 'paranoid' as never } })).toThrow();
  });
});

function post(options: BulwarkOptions, contentType: string, body: string | Uint8Array[], headers: Record<string, string> = {}) {
  const events: SecurityEvent[] = [];
  const bulwark = createBulwark({ csrf: false, ...options, onEvent: (e) => events.push(e) });
  const chunks = typeof body === 'string' ? [new TextEncoder().encode(body)] : body;
  let reads = 0;
  const decision = bulwark.protect({
    method: 'POST',
    url: 'http://app.example/submit',
    headers: new Headers({ host: 'app.example', 'content-type': contentType, ...headers }),
    remoteAddress: '192.0.2.1',
    body: () => {
      reads++;
      return (async function* () {
        yield* chunks;
      })();
    },
  });
  return decision.then((d) => ({ status: d.allowed ? 200 : d.status, code: d.allowed ? undefined : d.code, events, reads }));
}

describe('the injection guard on request bodies', () => {
  const attacks: [string, string][] = [
    ['application/json', JSON.stringify({ user: { name: "x' OR '1'='1" } })],
    ['application/json', JSON.stringify({ comments: ['fine', '<img src=x onerror=alert(1)>'] })],
    ['application/json', JSON.stringify({ username: { $ne: null } })],
    ['application/json; charset=utf-8', JSON.stringify({ file: '../../../../etc/passwd' })],
    ['application/x-www-form-urlencoded', 'name=bob&bio=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['application/x-www-form-urlencoded', 'user%5B%24ne%5D=x'],
  ];

  it('reads no body unless asked: the query-only default', async () => {
    const { status, reads } = await post({ injection: true }, 'application/json', attacks[0]![1]);
    expect(status).toBe(200);
    expect(reads).toBe(0);
  });

  it('blocks injection in JSON and form bodies with 400, the event naming kind and path only', async () => {
    for (const [type, body] of attacks) {
      const { status, code, events } = await post({ injection: { body: true } }, type, body);
      expect(status, body).toBe(400);
      expect(code).toBe('injection_detected');
      const event = events.find((e) => e.type === 'input_validation_fail')!;
      expect(event.description).toBe('injection in the body');
      expect(JSON.stringify(event)).not.toMatch(/<script|onerror|OR '1'|passwd/);
    }
    const { events } = await post({ injection: { body: true } }, 'application/json', attacks[0]![1]);
    expect(events.find((e) => e.type === 'input_validation_fail')!.details).toMatchObject({ kinds: ['sql'], paths: ['$.user.name'] });
  });

  it('lets ordinary bodies through, and scans only the types asked for', async () => {
    const benign = JSON.stringify({ name: "Mary O'Brien", note: 'please select the union option', tags: ['a & b', '1 < 2'] });
    expect((await post({ injection: { body: true } }, 'application/json', benign)).status).toBe(200);
    expect((await post({ injection: { body: true } }, 'application/x-www-form-urlencoded', 'q=Tom+%26+Jerry&n=O%27Brien')).status).toBe(200);
    expect((await post({ injection: { body: ['form'] } }, 'application/json', attacks[0]![1])).status).toBe(200);
    expect((await post({ injection: { body: ['json'] } }, 'application/x-www-form-urlencoded', attacks[4]![1])).status).toBe(200);
    // Uploads are not parsed by the guard.
    expect((await post({ injection: { body: true } }, 'multipart/form-data; boundary=x', '--x--')).reads).toBe(0);
  });

  it('refuses a body it cannot inspect in block mode, and only reports it in report mode', async () => {
    for (const body of ['{"a":', '{"a":1,"a":"x\' OR 1=1"}', '[[[[[[[[[[[["deep"]]]]]]]]]]]]']) {
      const blocked = await post({ injection: { body: true } }, 'application/json', body);
      expect(blocked.status, body).toBe(400);
      const reported = await post({ injection: { body: true, mode: 'report' } }, 'application/json', body);
      expect(reported.status, body).toBe(200);
      expect(reported.events.some((e) => e.type === 'input_validation_fail' && e.description.includes('report only'))).toBe(true);
    }
    expect((await post({ injection: { body: true } }, 'application/x-www-form-urlencoded', [new Uint8Array([0x61, 0x3d, 0xff])])).status).toBe(400);
  });

  it('stops at the body limit with 413 without reading further', async () => {
    const chunk = new TextEncoder().encode(`"${'a'.repeat(1000)}",`);
    const many = Array.from({ length: 2000 }, () => chunk);
    const { status, code } = await post({ injection: { body: true } }, 'application/json', many);
    expect(status).toBe(413);
    expect(code).toBe('payload_too_large');
  });

  it('a bodiless JSON request (Content-Length: 0) passes', async () => {
    expect((await post({ injection: { body: true } }, 'application/json', '', { 'content-length': '0' })).status).toBe(200);
  });

  it('rejects bad body options at construction', () => {
    expect(() => createBulwark({ injection: { body: ['xml'] as never } })).toThrow(/injection.body\[0\]/);
    expect(() => createBulwark({ injection: { body: 'json' as never } })).toThrow(/injection.body/);
  });
});
