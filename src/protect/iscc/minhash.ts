/**
 * MinHash over 32-bit features with the 64 universal hash permutations of ISO 24138:
 * h(f) = ((a·f + b) mod 2^64) mod (2^61 − 1), keeping the low 32 bits.
 */
import { AppError } from '../../platform/errors.js';

const MPA: readonly bigint[] = [
  853146490016488653n, 1849332765672628665n, 1131688930666554379n, 1936485333668353377n,
  890837126813020267n, 1988249303247129861n, 1408894512544874755n, 2140251716176616185n,
  1755124413189049421n, 1355916793659431597n, 546586563822844083n, 497603761441203021n,
  2000709902557454173n, 1057597903350092207n, 1576204252850880253n, 2078784234495706739n,
  1022616668454863635n, 2150082342606334489n, 712341150087765807n, 1511757510246096559n,
  1525853819909660573n, 1263771796138990131n, 1215963627200985263n, 590069150281426443n,
  130824646248385081n, 962725325544728503n, 1702561325943522847n, 296074222435072629n,
  490211158716051523n, 1255327197241792767n, 699458998727907367n, 32930168991409845n,
  1985097843455124585n, 362027841570125531n, 1903252144040897835n, 900391845076405289n,
  547470123601853551n, 1689373724032359119n, 845594231933442371n, 400331968021206285n,
  174967108345233429n, 876513700861085019n, 505848386844809885n, 1920468508342256199n,
  1292611725303815789n, 963317239501343903n, 1730880032297268007n, 284614929850059717n,
  1185026248283273081n, 2167288823816985197n, 1214905315086686483n, 1555253098157439857n,
  1048013650291539723n, 1238618594841147605n, 1213502582686547311n, 286300733803129311n,
  1250358511639043529n, 407534797452854371n, 960869149538623787n, 1722699901467253087n,
  1325704236119824319n, 196979859428570839n, 1669408735473259699n, 781336617016068757n,
];
const MPB: readonly bigint[] = [
  1089606993368836715n, 726972438868274737n, 66204585613901025n, 1078410179646709132n,
  1343470117098523467n, 698653121981343911n, 1248486536592473639n, 1447963007834012793n,
  1034598851883537815n, 1474008409379745934n, 793773480906057541n, 980501101461882479n,
  963941556313537655n, 233651787311327325n, 243905121737149907n, 570269452476776142n,
  297633284648631084n, 1516796967247398557n, 1494795672066692649n, 1728741177365151059n,
  1029197538967983408n, 1660732464170610344n, 1399769594446678069n, 506465470557005705n,
  1279720146829545181n, 860096419955634036n, 411519685280832908n, 69539191273403207n,
  1960489729088056217n, 605092075716397684n, 1017496016211653149n, 1304834535101321372n,
  949013511180032347n, 1142776242221098779n, 576980004709031232n, 1071272177143100544n,
  1494527341093835499n, 1073290814142727850n, 1285904200674942617n, 1277176606329477335n,
  343788427301735585n, 2100915269685487331n, 1227711252031557450n, 18593166391963377n,
  2101884148332688233n, 191808277534686888n, 2170124912729392024n, 918430470748151293n,
  1831024560113812361n, 1951365515851067694n, 744352348473654499n, 1921518311887826722n,
  2020165648600700886n, 1764930142256726985n, 1903893374912839788n, 1449378957774802122n,
  1435825328374066345n, 833197549717762813n, 2238991044337210799n, 748955638857938366n,
  1834583747494146901n, 222012292803592982n, 901238460725547841n, 1501611130776083278n,
];

const TWO32 = 4294967296;
const split = (v: bigint): [number, number] => [Number(v >> 32n), Number(v & 0xffffffffn)];
const A_HI = Float64Array.from(MPA, (v) => split(v)[0]);
const A_LO = Float64Array.from(MPA, (v) => split(v)[1]);
const B_HI = Float64Array.from(MPB, (v) => split(v)[0]);
const B_LO = Float64Array.from(MPB, (v) => split(v)[1]);

/**
 * One permutation of one feature, in exact 32-bit-word arithmetic (doubles hold every partial
 * product exactly), so that a million features hash without BigInt.
 */
function permute(i: number, f: number): number {
  const aL = A_LO[i]!;
  const fL = f & 0xffff;
  const fH = f >>> 16;
  const p0 = aL * fL; // < 2^48
  const p1 = aL * fH; // < 2^48, weighted 2^16
  // `>>> 0` and `& 0xffff` take exact residues of these integer-valued doubles (ToUint32).
  let lo = (p0 >>> 0) + (p1 & 0xffff) * 65536;
  let hi = Math.floor(p0 / TWO32) + Math.floor(p1 / 65536);
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  hi += Math.imul(A_HI[i]!, f) >>> 0; // aH·f contributes only its low word to bits 32-63
  lo += B_LO[i]!;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  hi = (hi + B_HI[i]!) >>> 0; // the sum mod 2^64
  // x mod (2^61 − 1): fold the top 3 bits onto the bottom, then subtract the prime at most once.
  let rHi = hi & 0x1fffffff;
  let rLo = lo + (hi >>> 29);
  if (rLo >= TWO32) {
    rLo -= TWO32;
    rHi += 1;
  }
  if (rHi > 0x1fffffff || (rHi === 0x1fffffff && rLo === 0xffffffff)) rLo = (rLo + 1) >>> 0;
  return rLo;
}

/** The 64-dimensional MinHash vector of 32-bit unsigned features. */
export function algMinhash(features: ArrayLike<number>): Uint32Array {
  if (features.length === 0) throw new AppError('invalid_input', 'minhash needs at least one feature', { key: 'iscc.computation' });
  const mins = new Uint32Array(64).fill(0xffffffff);
  for (let k = 0; k < features.length; k++) {
    const f = features[k]! >>> 0;
    for (let i = 0; i < 64; i++) {
      const h = permute(i, f);
      if (h < mins[i]!) mins[i] = h;
    }
  }
  return mins;
}

/** Packs the `lsb` least significant bits of each MinHash value, bit plane by bit plane, MSB first. */
export function algMinhashCompress(mhash: ArrayLike<number>, lsb = 4): Uint8Array {
  const out = new Uint8Array((mhash.length * lsb + 7) >> 3);
  let pos = 0;
  for (let bit = 0; bit < lsb; bit++) {
    for (let i = 0; i < mhash.length; i++, pos++) if ((mhash[i]! >>> bit) & 1) out[pos >> 3]! |= 0x80 >> (pos & 7);
  }
  return out;
}

/** 256-bit MinHash digest (4 bits of each of 64 values). */
export function algMinhash256(features: ArrayLike<number>): Uint8Array {
  return algMinhashCompress(algMinhash(features), 4);
}

/** 64-bit MinHash digest (1 bit of each of 64 values). */
export function algMinhash64(features: ArrayLike<number>): Uint8Array {
  return algMinhashCompress(algMinhash(features), 1);
}

/** Reference implementation in BigInt, slow but plainly the formula; the tests compare against it. */
export function minhashPermuteReference(i: number, feature: number): number {
  const x = (MPA[i]! * BigInt(feature) + MPB[i]!) & 0xffffffffffffffffn;
  return Number((x % ((1n << 61n) - 1n)) & 0xffffffffn);
}

/** Exposes the fast permutation for tests. */
export const minhashPermute = permute;
