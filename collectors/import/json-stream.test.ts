import { describe, expect, it } from 'vitest';
import { JsonArraySplitter, LineSplitter, type Piece } from './json-stream';

function split(text: string, keys: string[], sliceBytes: number): Piece[] {
  const s = new JsonArraySplitter(new Set(keys));
  const buf = Buffer.from(text);
  const out: Piece[] = [];
  for (let i = 0; i < buf.length; i += sliceBytes) out.push(...s.push(buf.subarray(i, i + sliceBytes)));
  out.push(...s.end());
  return out;
}

const texts = (pieces: Piece[]) => pieces.map((p) => ('text' in p ? JSON.parse(p.text) : { problem: p.problem }));

describe('JsonArraySplitter', () => {
  const doc = {
    before: { data: ['not', 'this'] },
    data: [{ a: 'x]}",{' }, [1, 2], 'ünïcødé "quoted" \\ back', 42, null, { nested: { data: [3] } }],
    after: 1,
  };
  const text = JSON.stringify(doc, null, 2);

  it('yields the elements of the chosen top-level arrays, whatever the slice boundaries', () => {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      expect(texts(split(text, ['data'], size))).toEqual(doc.data);
    }
  });

  it('yields top-level array elements and accepts documents one after another', () => {
    const two = JSON.stringify([{ id: 1 }, { id: 2 }]) + '\n' + JSON.stringify([{ id: 3 }]);
    expect(texts(split(two, [], 5))).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('gives the line each element starts on', () => {
    const pieces = split(text, ['data'], 13).filter((p): p is Extract<Piece, { text: string }> => 'text' in p);
    const lines = text.split('\n');
    for (const p of pieces) expect(lines[p.line - 1].trimStart().startsWith(p.text.slice(0, 1))).toBe(true);
  });

  it('reports a truncated document and unbalanced input', () => {
    const cut = split(text.slice(0, text.indexOf('nested')), ['data'], 9);
    expect(texts(cut).slice(0, 5)).toEqual(doc.data.slice(0, 5));
    expect('problem' in cut[cut.length - 1] && cut[cut.length - 1]).toMatchObject({ problem: expect.stringMatching(/ends inside a JSON value/) });
    expect(split('[1]]', [], 10)).toEqual([{ text: '1', line: 1, key: '', doc: 1 }, { problem: expect.stringMatching(/unexpected "]"/), line: 1 }]);
    expect(split('hello', [], 10)[0]).toMatchObject({ problem: expect.stringMatching(/expected a JSON object or array/) });
  });
});

describe('LineSplitter', () => {
  it('splits LF and CRLF lines across slices, skipping blank lines, counting every line', () => {
    const s = new LineSplitter();
    const buf = Buffer.from('{"a":1}\r\n\n{"b":"é"}\n{"c":3}');
    const out: Piece[] = [];
    for (let i = 0; i < buf.length; i += 3) out.push(...s.push(buf.subarray(i, i + 3)));
    out.push(...s.end());
    expect(out).toEqual([
      { text: '{"a":1}', line: 1, key: '', doc: 1 },
      { text: '{"b":"é"}', line: 3, key: '', doc: 3 },
      { text: '{"c":3}', line: 4, key: '', doc: 4 },
    ]);
  });
});
