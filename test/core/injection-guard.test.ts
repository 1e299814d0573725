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
