import { describe, expect, it } from 'vitest';
import { placeLabels, pointOnRoute } from './labels';

describe('edge label placement', () => {
  const straight = [
    { x: 0, y: 0 },
    { x: 200, y: 0 },
  ];

  it('puts a lone label in the middle of its edge', () => {
    expect(pointOnRoute(straight, 0.5)).toEqual({ x: 100, y: 0 });
    expect(placeLabels([{ id: 'a', points: straight, w: 60, h: 20 }], []).get('a')).toEqual({ x: 100, y: 0 });
  });

  it('follows the drawn curve between points at different heights', () => {
    const p = pointOnRoute(
      [
        { x: 0, y: 0 },
        { x: 100, y: 100 },
      ],
      0.5,
    );
    expect(p.x).toBeCloseTo(50);
    expect(p.y).toBeCloseTo(50);
    // A quarter of the way the S-curve is still close to its start height.
    expect(
      pointOnRoute(
        [
          { x: 0, y: 0 },
          { x: 100, y: 100 },
        ],
        0.25,
      ).y,
    ).toBeLessThan(25);
  });

  it('slides a label along its edge when the middle is taken, and drops it when nothing is free', () => {
    const long = [
      { x: 0, y: 0 },
      { x: 600, y: 0 },
    ];
    const requests = ['busy', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'].map((id) => ({ id, points: long, w: 120, h: 20 }));
    const spots = placeLabels(requests, []);
    expect(spots.get('busy')).toEqual({ x: 300, y: 0 });
    const xs = [...spots.values()].map((p) => p.x).sort((a, b) => a - b);
    // No two placed labels overlap, and not all of them fit.
    for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(120);
    expect(spots.size).toBeGreaterThan(1);
    expect(spots.size).toBeLessThan(requests.length);
  });

  it('keeps labels off nodes', () => {
    const long = [
      { x: 0, y: 0 },
      { x: 600, y: 0 },
    ];
    const node = { x: 300, y: 0, w: 100, h: 40 };
    const p = placeLabels([{ id: 'a', points: long, w: 60, h: 14 }], [node]).get('a')!;
    expect(Math.abs(p.x - node.x)).toBeGreaterThanOrEqual((node.w + 60) / 2);
  });
});
