import { describe, expect, it } from 'vitest';
import { contradictions, decide, defaultRules, destinationCovered, isDomestic, normaliseDestination, strictestClass, type DataClass, type TransferOutcome, type TransferRule } from './transfer-policy.js';

const defaults: TransferRule[] = defaultRules().map((r, i) => ({ ...r, id: `d${i}` }));

describe('transfer policy', () => {
  const cases: [string, DataClass[], TransferOutcome][] = [
    ['CN', ['core'], 'allow'],
    ['CN-11', ['important', 'core'], 'allow'],
    ['US', ['public'], 'allow'],
    ['US', ['internal'], 'assess'],
    ['DE', ['public', 'important'], 'assess'],
    ['US', ['public', 'core'], 'refuse'],
    ['HK', ['internal'], 'assess'],
    ['TW', ['core'], 'refuse'],
    ['MO', ['public'], 'allow'],
  ];
  it.each(cases)('defaults: %s %j → %s', (destination, classes, outcome) => {
    expect(decide(defaults, destination, classes).outcome).toBe(outcome);
  });

  it('names the rules that decided and what needs an assessment', () => {
    const d = decide(defaults, 'DE', ['public', 'internal', 'important']);
    expect(d.ruleIds).toEqual(['d1', 'd2', 'd3']);
    expect(d.needsAssessment).toEqual(['internal', 'important']);
    expect(d.domestic).toBe(false);
  });

  it('without rules: domestic allowed, abroad assessed', () => {
    expect(decide([], 'CN', ['core']).outcome).toBe('allow');
    expect(decide([], 'JP', ['public']).outcome).toBe('assess');
  });

  it('strictest wins: a specific rule tightens, never loosens', () => {
    const rules: TransferRule[] = [...defaults, { id: 'us', destination: 'US', dataClass: 'public', outcome: 'refuse' }, { id: 'de', destination: 'DE', dataClass: 'core', outcome: 'assess' }];
    expect(decide(rules, 'US', ['public']).outcome).toBe('refuse');
    expect(decide(rules, 'US', ['public']).ruleIds).toEqual(['us']);
    expect(decide(rules, 'DE', ['core']).outcome).toBe('refuse');
    expect(contradictions(rules)).toEqual([{ ruleId: 'de', overriddenBy: 'd4', outcome: 'assess', effective: 'refuse' }]);
  });

  it('contradictions: the same pair twice with different outcomes, and class * rules', () => {
    const rules: TransferRule[] = [
      { id: 'a', destination: 'JP', dataClass: 'internal', outcome: 'allow' },
      { id: 'b', destination: 'JP', dataClass: 'internal', outcome: 'assess' },
      { id: 'c', destination: 'JP', dataClass: '*', outcome: 'refuse' },
      { id: 'e', destination: 'CN', dataClass: 'core', outcome: 'allow' },
    ];
    expect(contradictions(rules).map((c) => [c.ruleId, c.overriddenBy])).toEqual([['a', 'c'], ['b', 'c']]);
    // A `*` destination rule does not reach the mainland, so `e` contradicts nothing.
    expect(contradictions([...rules, { id: 'f', destination: '*', dataClass: '*', outcome: 'refuse' }]).some((c) => c.ruleId === 'e')).toBe(false);
    expect(contradictions(defaults)).toEqual([]);
  });

  it('destinations', () => {
    expect(normaliseDestination(' de ')).toBe('DE');
    expect(normaliseDestination('cn-11')).toBe('CN-11');
    expect(normaliseDestination('Germany')).toBeNull();
    expect(isDomestic('CN-44')).toBe(true);
    expect(isDomestic('HK')).toBe(false);
    expect(destinationCovered('DE', 'DE-BY')).toBe(true);
    expect(destinationCovered('DE-BY', 'DE')).toBe(false);
    expect(destinationCovered('DE', 'AT')).toBe(false);
    expect(strictestClass(['internal', 'core', 'public'])).toBe('core');
    expect(strictestClass([])).toBe('public');
  });
});
