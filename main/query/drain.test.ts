// Drain against worked examples: Drain3's own OpenSSH example, the demo shop's real log lines,
// and the fingerprints exceptions are grouped by.
import { describe, expect, it } from 'vitest';
import { Drain, templateMatcher, templateOf, tokenize } from './drain';
import { maskVariables, messageFingerprint } from './message-masks';

function cluster(lines: string[], opts = {}): Map<string, number> {
  const drain = new Drain(opts);
  for (const l of lines) drain.add(l);
  return new Map(drain.clusters.map((c) => [templateOf(c), c.size]));
}

describe('masking', () => {
  it('masks ids, times, addresses, hex and numbers but keeps words that merely hold digits', () => {
    expect(maskVariables('order 3f2c9a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f paid 12.50 EUR at 2026-12-05T22:48:46.120Z')).toBe('order <UUID> paid <NUM> EUR at <TIME>');
    expect(maskVariables('connect 10.0.0.12:5432 refused, fd 0x7ffe, trace 4bf92f3577b34da6a3ce929d0e0e4736')).toBe('connect <IP> refused, fd <HEX>, trace <HEX>');
    expect(maskVariables('charge ch_eozblzbjdphqwt authorized for order ord_l4bruyln90')).toBe('charge <ID> authorized for order <ID>');
    expect(maskVariables('user42 sent -3 items from sku-1002')).toBe('user42 sent -<NUM> items from sku-<NUM>');
  });

  it('fingerprints exception messages so messages differing only in values group together', () => {
    const a = messageFingerprint('Cannot read properties of undefined (reading \'price\') at item 17');
    const b = messageFingerprint('Cannot read properties of undefined (reading \'sku\') at item 3');
    expect(a).toBe(b);
    expect(a).toBe('Cannot read properties of undefined (reading <STR>) at item <NUM>');
    expect(messageFingerprint('user "ann" not found in   shard 4')).toBe('user <STR> not found in shard <NUM>');
    expect(messageFingerprint('timeout after 5000 ms')).not.toBe(messageFingerprint('connection refused'));
  });
});

describe('Drain', () => {
  it('clusters Drain3\'s OpenSSH example into its two templates', () => {
    const templates = cluster([
      'Dec 10 07:07:38 LabSZ sshd[24206]: input_userauth_request: invalid user test9 [preauth]',
      'Dec 10 07:08:28 LabSZ sshd[24208]: input_userauth_request: invalid user webmaster [preauth]',
      'Dec 10 09:12:32 LabSZ sshd[24490]: Failed password for invalid user ftpuser from 0.0.0.0 port 62891 ssh2',
      'Dec 10 09:12:35 LabSZ sshd[24492]: Failed password for invalid user pi from 0.0.0.0 port 49289 ssh2',
      'Dec 10 09:12:44 LabSZ sshd[24501]: Failed password for invalid user ftpuser from 0.0.0.0 port 60836 ssh2',
      'Dec 10 07:28:03 LabSZ sshd[24245]: input_userauth_request: invalid user pgadmin [preauth]',
    ]);
    expect(templates).toEqual(
      new Map([
        ['Dec <NUM> <NUM>:<NUM>:<NUM> LabSZ sshd[<NUM>]: input_userauth_request: invalid user <*> [preauth]', 3],
        ['Dec <NUM> <NUM>:<NUM>:<NUM> LabSZ sshd[<NUM>]: Failed password for invalid user <*> from <IP> port <NUM> ssh2', 3],
      ]),
    );
  });

  it('separates the demo shop\'s request, retry and failure lines, and keeps methods apart where they lead', () => {
    const templates = cluster([
      'request handled: GET /products 200 in 4 ms',
      'request handled: GET /products/sku-1002 200 in 3 ms',
      'request handled: POST /cart/items 200 in 12 ms',
      'request failed: POST /checkout 500 in 5012 ms',
      'request failed: POST /checkout 502 in 31 ms',
      'retrying POST /charge on payment: attempt 2 answered 503',
      'retrying POST /charge on payment: attempt 3 answered 503',
      'retrying POST /charge on payment: attempt 2 failed (timeout)',
      'unhandled error: Cannot read properties of undefined (reading \'price\')',
      'unhandled error: Cannot read properties of undefined (reading \'qty\')',
      'slow dependency: checkout took 1840 ms for POST /charge',
      'slow dependency: checkout took 920 ms for POST /charge',
    ]);
    expect(templates).toEqual(
      new Map([
        ['request handled: <*> <*> <NUM> in <NUM> ms', 3],
        ['request failed: POST /checkout <NUM> in <NUM> ms', 2],
        ['retrying POST /charge on payment: attempt <NUM> <*> <*>', 3],
        ['unhandled error: Cannot read properties of undefined (reading <*>', 2],
        ['slow dependency: checkout took <NUM> ms for POST /charge', 2],
      ]),
    );
  });

  it('keeps one pattern for lines whose second word is a prefixed id (the demo shop\'s order lines)', () => {
    const templates = cluster(Array.from({ length: 150 }, (_, i) => `order ord_${(i * 7919).toString(36).padStart(10, 'x')} placed: ${1 + (i % 5)} lines, ${i + 0.5} EUR`));
    expect(templates).toEqual(new Map([['order <ID> placed: <NUM> lines, <NUM> EUR', 150]]));
  });

  it('starts a new cluster below the similarity threshold and joins one at or above it', () => {
    expect(cluster(['a b c d', 'a b x y']).size).toBe(1); // 2 of 4 equal ≥ 0.4
    expect(cluster(['a b c d e', 'a b x y z']).size).toBe(1); // 2 of 5 = 0.4
    expect(cluster(['a b c d e f', 'a b x y z w']).size).toBe(2); // 2 of 6 < 0.4
    expect(cluster(['a b c d e', 'a b x y z'], { similarity: 0.5 }).size).toBe(2);
    expect(cluster(['a b c d e', 'a b c y z'], { similarity: 0.5 }).size).toBe(1);
  });

  it('folds long bodies and keeps token counts apart', () => {
    expect(tokenize(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), 8)).toHaveLength(8);
    expect(cluster(['disk full', 'disk full on /var']).size).toBe(2);
  });

  it('matches every member of a cluster against its final template, and nothing of another length', () => {
    const lines = ['order 1 shipped to Berlin', 'order 2 shipped to Paris', 'order 3 shipped to Rome'];
    const drain = new Drain();
    for (const l of lines) drain.add(l);
    const matches = templateMatcher(templateOf(drain.clusters[0]));
    expect(templateOf(drain.clusters[0])).toBe('order <NUM> shipped to <*>');
    for (const l of lines) expect(matches(l)).toBe(true);
    expect(matches('order 4 shipped to New York')).toBe(false);
    expect(matches('order 4 cancelled to Rome')).toBe(false);
  });
});
