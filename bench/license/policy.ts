// Policy engine benchmark (issue 14): builds 10,000 licence policies (Sets and Offers over works) and 60
// heritage policies (10 traditions, 50 elements inheriting a tradition: two levels) inherited by 30 % of
// the works, parses them all once, then makes 200,000 random decisions (seeded PRNG) and prints the
// latency percentiles and throughput. Target: p99 <= 1 ms.
// Run: node --import tsx bench/license/policy.ts  (BENCH_POLICIES, BENCH_DECISIONS, BENCH_SEED)
import { c, pay, policyJson, share, type Json } from '../../src/license/policy/policy-fixtures.js';
import { decide, parsePolicy, type Policy, type UseRequest } from '../../src/license/policy/index.js';
import { machine, percentile } from '../support.js';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 10_000);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 200_000);
const TRADITIONS = 10;
const ELEMENTS = 50;

// mulberry32: a small seeded PRNG, so every run makes the same decisions.
let state = Number(process.env.BENCH_SEED ?? 42) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const PURPOSES = ['commercial', 'non-commercial', 'education', 'research', 'parody', 'advertising', 'news', 'personal'];
const MEDIA = ['print', 'web', 'game', 'film', 'broadcast', 'merchandise'];
const ACTIONS = ['use', 'reproduce', 'distribute', 'display', 'derive', 'modify', 'sell', 'tdm:mine'];
const TERRITORIES = ['CN', 'CN-44', 'CN-11', 'CN-31', 'HK', 'TW', 'JP', 'US', 'GB', 'FR'];
const CURRENCIES = ['CNY', 'USD', 'EUR', 'JPY'];

const traditionUid = (i: number) => `https://wenyuan.dev/heritage/tradition-${i}`;
const elementUid = (i: number) => `https://wenyuan.dev/heritage/element-${i}`;
const fund = (i: number) => `https://wenyuan.dev/parties/fund-${i}`;

function heritageJson(): Json[] {
  const out: Json[] = [];
  for (let t = 0; t < TRADITIONS; t++) {
    out.push(policyJson('Set', traditionUid(t), {
      conflict: 'prohibit',
      permission: [{ action: 'use', duty: [{ action: 'attribute', attributedParty: fund(t) }] }],
      prohibition: [{ action: 'use', constraint: [c('purpose', 'eq', t % 2 === 0 ? 'parody' : 'advertising')] }],
      obligation: t % 3 === 0 ? [{ action: 'inform', informedParty: fund(t) }] : [],
    }));
  }
  for (let e = 0; e < ELEMENTS; e++) {
    out.push(policyJson('Set', elementUid(e), {
      conflict: 'prohibit',
      inheritFrom: [traditionUid(e % TRADITIONS)],
      permission: [{ action: 'use', constraint: [c('purpose', 'eq', 'commercial')], duty: [share(1 + (e % 9), fund(100 + e))] }],
      ...(e % 4 === 0 ? { prohibition: [{ action: 'tdm:mine' }] } : {}),
    }));
  }
  return out;
}

function workJson(i: number): Json {
  const uid = `https://wenyuan.dev/works/${i}#terms`;
  const owner = `https://wenyuan.dev/parties/owner-${i % 500}`;
  const inheritFrom = rand() < 0.3 ? Array.from({ length: 1 + Math.floor(rand() * 3) }, () => elementUid(Math.floor(rand() * ELEMENTS))).filter((v, k, all) => all.indexOf(v) === k) : undefined;
  const common = { target: `https://wenyuan.dev/works/${i}`, conflict: pick(['perm', 'prohibit', 'invalid']), ...(inheritFrom ? { inheritFrom } : {}) };
  if (rand() < 0.5) {
    return policyJson('Set', uid, {
      ...common,
      permission: [
        { action: 'use', constraint: [c('purpose', 'neq', 'commercial')], duty: [{ action: 'attribute', attributedParty: owner }] },
        { action: 'display', constraint: [c('spatial', 'isAnyOf', [pick(TERRITORIES), pick(TERRITORIES)])] },
      ],
      prohibition: [{ action: 'derive', constraint: [c('purpose', 'eq', 'parody')] }],
    });
  }
  const currency = pick(CURRENCIES);
  const amount = currency === 'JPY' ? String(1000 + Math.floor(rand() * 9000)) : `${10 + Math.floor(rand() * 990)}.${String(Math.floor(rand() * 100)).padStart(2, '0')}`;
  return policyJson('Offer', uid, {
    ...common,
    assigner: owner,
    permission: [
      {
        action: pick(['reproduce', 'use', 'distribute']),
        constraint: [
          c('purpose', 'isAnyOf', ['commercial', 'advertising']),
          c('dateTime', 'lt', `${2026 + Math.floor(rand() * 3)}-01-01`),
          { or: [c('spatial', 'eq', 'CN'), c('media', 'isAnyOf', ['web', 'print'])] },
          c('count', 'lteq', 1000 * (1 + Math.floor(rand() * 20))),
        ],
        duty: [pay(amount, currency, owner), { action: 'attribute', attributedParty: owner }],
      },
      { action: 'display', constraint: [c('purpose', 'isPartOf', ['education', 'research', 'personal'])] },
    ],
    prohibition: [{ action: 'use', constraint: [c('media', 'eq', 'merchandise')] }],
  });
}

function randomRequest(): UseRequest {
  const purpose = rand() < 0.2 ? [] : [pick(PURPOSES), ...(rand() < 0.3 ? [pick(PURPOSES)] : [])];
  return {
    action: pick(ACTIONS),
    purpose,
    date: `${2025 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-15`,
    ...(rand() < 0.9 ? { territory: pick(TERRITORIES) } : {}),
    ...(rand() < 0.8 ? { media: pick(MEDIA) } : {}),
    ...(rand() < 0.7 ? { count: Math.floor(rand() * 25_000) } : {}),
  };
}

function load(json: Json): Policy {
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new Error(`bench fixture does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.policy;
}

const heritageSource = heritageJson();
const workSource = Array.from({ length: POLICIES }, (_, i) => workJson(i));
const parseStart = process.hrtime.bigint();
const heritage = new Map(heritageSource.map((j) => [String(j.uid), load(JSON.parse(JSON.stringify(j)) as Json)]));
const works = workSource.map((j) => load(JSON.parse(JSON.stringify(j)) as Json));
const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;

// The caller (the licence service) supplies every ancestor of a policy; resolved once, as a cache would.
const ancestors = (policy: Policy): Policy[] => {
  const out: Policy[] = [];
  const queue = [...(policy.inheritFrom ?? [])];
  while (queue.length > 0) {
    const parent = heritage.get(queue.shift()!)!;
    if (out.includes(parent)) continue;
    out.push(parent);
    queue.push(...(parent.inheritFrom ?? []));
  }
  return out;
};
const inheritedOf = works.map(ancestors);
const inheriting = inheritedOf.filter((a) => a.length > 0).length;

const requests = Array.from({ length: DECISIONS }, () => ({ work: Math.floor(rand() * works.length), request: randomRequest() }));
// Warm-up so the JIT has compiled the engine before timing.
for (let i = 0; i < 20_000; i++) decide(requests[i]!.request, works[requests[i]!.work]!, inheritedOf[requests[i]!.work]!);

const latencies = new Float64Array(DECISIONS);
const outcomes: Record<string, number> = {};
const loopStart = process.hrtime.bigint();
for (let i = 0; i < DECISIONS; i++) {
  const { work, request } = requests[i]!;
  const t0 = process.hrtime.bigint();
  const decision = decide(request, works[work]!, inheritedOf[work]!);
  latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
  outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;
}
const loopSeconds = Number(process.hrtime.bigint() - loopStart) / 1e9;
const sorted = Array.from(latencies).sort((a, b) => a - b);

console.log(`== policy engine (${machine()})`);
console.log(`${works.length} work policies + ${heritage.size} heritage policies (${TRADITIONS} traditions, ${ELEMENTS} elements; ${inheriting} works inherit), parsed in ${parseMs.toFixed(0)} ms (${((parseMs * 1000) / (works.length + heritage.size)).toFixed(1)} µs each)`);
console.log(`${DECISIONS} decisions: ${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`latency µs: p50 ${percentile(sorted, 50).toFixed(1)}  p95 ${percentile(sorted, 95).toFixed(1)}  p99 ${percentile(sorted, 99).toFixed(1)}  max ${sorted[sorted.length - 1]!.toFixed(0)}`);
console.log(`throughput: ${Math.round(DECISIONS / loopSeconds).toLocaleString('en')} decisions/s (timed loop, one core)`);
const p99 = percentile(sorted, 99);
console.log(p99 <= 1000 ? `p99 ${p99.toFixed(1)} µs <= 1 ms: OK` : `p99 ${p99.toFixed(1)} µs > 1 ms: FAIL`);
if (p99 > 1000) process.exitCode = 1;
