// startDemo's failures say what went wrong and leave nothing running.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemo } from './index';

const dir = mkdtempSync(join(tmpdir(), 'loupe-demo-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startDemo failures', () => {
  it('rejects an OTLP endpoint that is not an http(s) URL', async () => {
    await expect(startDemo({ otlpEndpoint: '127.0.0.1:4318' })).rejects.toThrow(/must be a URL|must be http/);
    await expect(startDemo({ otlpEndpoint: 'ftp://127.0.0.1:4318' })).rejects.toThrow(/must be http\(s\)/);
  });

  it('names a service script that does not exist', async () => {
    const missing = join(dir, 'nope.js');
    await expect(startDemo({ otlpEndpoint: 'http://127.0.0.1:4318', serviceScript: missing })).rejects.toThrow(missing);
  });

  it('reports a service that dies while starting, with what it printed', async () => {
    const dying = join(dir, 'dying.cjs');
    const brokerPidFile = join(dir, 'broker.pid');
    // The broker starts fine; every other process dies, once the broker is up.
    writeFileSync(
      dying,
      `const fs = require('node:fs');
       const pidFile = ${JSON.stringify(brokerPidFile)};
       if (process.argv.includes('broker')) {
         fs.writeFileSync(pidFile, String(process.pid));
         setInterval(() => {}, 1000);
         process.on('message', (m) => m.type === 'stop' && process.exit(0));
         process.send({ type: 'listening', port: 1 });
       } else {
         const dieOnceBrokerRuns = () => {
           if (!fs.existsSync(pidFile)) return setTimeout(dieOnceBrokerRuns, 20);
           console.error('cannot load the payment processor keys');
           process.exit(3);
         };
         dieOnceBrokerRuns();
       }`,
    );
    const started = Date.now();
    await expect(startDemo({ otlpEndpoint: 'http://127.0.0.1:4318', serviceScript: dying })).rejects.toThrow(
      /demo service \S+ exited while starting: cannot load the payment processor keys/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    const brokerPid = Number(readFileSync(brokerPidFile, 'utf8'));
    expect(() => process.kill(brokerPid, 0)).toThrow();
  });
});
