import { describe, expect, it } from 'vitest';
import { licenceOptionOf } from './public-licences';
import { basisPointsToPercent, minorToDecimal, monthPeriod, percentToBasisPoints, splitTotal } from './royalty-split';

describe('royalty split arithmetic', () => {
  it('turns percentages with two decimals into basis points and back', () => {
    expect(percentToBasisPoints('60')).toBe(6000);
    expect(percentToBasisPoints('33.33')).toBe(3333);
    expect(percentToBasisPoints('0,5')).toBe(50);
    expect(percentToBasisPoints('12.345')).toBeNull();
    expect(percentToBasisPoints('100.01')).toBeNull();
    expect(basisPointsToPercent(3333)).toBe('33.33');
    expect(basisPointsToPercent(10000)).toBe('100.00');
    expect(basisPointsToPercent(5)).toBe('0.05');
  });

  it('sums rows and names the bad ones', () => {
    expect(splitTotal(['60', '30', '10'])).toEqual({ basisPoints: 10000, invalid: [] });
    expect(splitTotal(['60', 'x', '0'])).toEqual({ basisPoints: 6000, invalid: [1, 2] });
  });

  it('turns a month into a statement period', () => {
    expect(monthPeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(monthPeriod('2027-02')).toEqual({ from: '2027-02-01', to: '2027-03-01' });
    expect(monthPeriod('2027-13')).toBeNull();
  });

  it('recognises the licence a public policy was made from', () => {
    expect(licenceOptionOf({ title: { en: 'https://creativecommons.org/licenses/by-nc/4.0/' } })?.code).toBe('cc-by-nc');
    expect(licenceOptionOf({ title: { en: 'https://rightsstatements.org/vocab/InC-EDU/1.0/' } })?.code).toBe('InC-EDU');
    expect(licenceOptionOf({ title: {} })).toBeNull();
  });

  it('writes minor units as amounts', () => {
    expect(minorToDecimal(120000, 2)).toBe('1200.00');
    expect(minorToDecimal(-5, 2)).toBe('-0.05');
    expect(minorToDecimal(300, 0)).toBe('300');
  });
});
