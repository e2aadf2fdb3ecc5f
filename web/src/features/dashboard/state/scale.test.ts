import { describe, expect, it } from 'vitest';
import { durationUnit, linear, linePath, niceStep, niceTicks } from './scale';

describe('chart scales', () => {
  it('maps a domain onto a range, inverted for SVG y axes', () => {
    const y = linear(0, 100, 200, 0);
    expect(y(0)).toBe(200);
    expect(y(100)).toBe(0);
    expect(y(25)).toBe(150);
    expect(linear(5, 5, 0, 10)(5)).toBe(5);
  });

  it('picks nice steps', () => {
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceStep(0.9, 3)).toBe(0.5);
    expect(niceStep(0, 4)).toBe(1);
  });

  it('makes ticks that cover the data', () => {
    expect(niceTicks(0, 100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(3, 97)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(-40, 60)).toEqual([-50, -25, 0, 25, 50, 75]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
    const t = niceTicks(12, 12);
    expect(t[0]).toBeLessThanOrEqual(12);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(12);
    const odd = niceTicks(0.1, 0.7, 3);
    expect(odd[0]).toBe(0);
    expect(odd[odd.length - 1]).toBeGreaterThanOrEqual(0.7);
  });

  it('labels duration axes in a readable unit', () => {
    expect(durationUnit(90).unit).toBe('s');
    expect(durationUnit(600).unit).toBe('min');
    expect(durationUnit(5 * 3600).unit).toBe('h');
    expect(durationUnit(4 * 86_400)).toEqual({ unit: 'd', seconds: 86_400 });
  });

  it('breaks the line at intervals without a value', () => {
    expect(linePath([{ x: 0, y: 10 }, { x: 10, y: 20 }, { x: 20, y: null }, { x: 30, y: 5 }, { x: 40, y: 6 }]))
      .toBe('M0,10L10,20M30,5L40,6');
    expect(linePath([])).toBe('');
  });
});
