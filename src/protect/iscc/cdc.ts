/**
 * Content-defined chunking (FastCDC-style gear rolling hash) as ISO 24138 specifies it for the
 * Data-Code: cut points depend only on the bytes, so an insertion shifts few chunk boundaries.
 */

/** Target average chunk size for Data-Codes, in bytes. */
export const DATA_AVG_CHUNK_SIZE = 1024;

/** The ISCC gear table: 256 random 31-bit values. */
const GEAR = new Uint32Array([
  1553318008, 574654857, 759734804, 310648967, 1393527547, 1195718329, 694400241, 1154184075,
  1319583805, 1298164590, 122602963, 989043992, 1918895050, 933636724, 1369634190, 1963341198,
  1565176104, 1296753019, 1105746212, 1191982839, 1195494369, 29065008, 1635524067, 722221599,
  1355059059, 564669751, 1620421856, 1100048288, 1018120624, 1087284781, 1723604070, 1415454125,
  737834957, 1854265892, 1605418437, 1697446953, 973791659, 674750707, 1669838606, 320299026,
  1130545851, 1725494449, 939321396, 748475270, 554975894, 1651665064, 1695413559, 671470969,
  992078781, 1935142196, 1062778243, 1901125066, 1935811166, 1644847216, 744420649, 2068980838,
  1988851904, 1263854878, 1979320293, 111370182, 817303588, 478553825, 694867320, 685227566,
  345022554, 2095989693, 1770739427, 165413158, 1322704750, 46251975, 710520147, 700507188,
  2104251000, 1350123687, 1593227923, 1756802846, 1179873910, 1629210470, 358373501, 807118919,
  751426983, 172199468, 174707988, 1951167187, 1328704411, 2129871494, 1242495143, 1793093310,
  1721521010, 306195915, 1609230749, 1992815783, 1790818204, 234528824, 551692332, 1930351755,
  110996527, 378457918, 638641695, 743517326, 368806918, 1583529078, 1767199029, 182158924,
  1114175764, 882553770, 552467890, 1366456705, 934589400, 1574008098, 1798094820, 1548210079,
  821697741, 601807702, 332526858, 1693310695, 136360183, 1189114632, 506273277, 397438002,
  620771032, 676183860, 1747529440, 909035644, 142389739, 1991534368, 272707803, 1905681287,
  1210958911, 596176677, 1380009185, 1153270606, 1150188963, 1067903737, 1020928348, 978324723,
  962376754, 1368724127, 1133797255, 1367747748, 1458212849, 537933020, 1295159285, 2104731913,
  1647629177, 1691336604, 922114202, 170715530, 1608833393, 62657989, 1140989235, 381784875,
  928003604, 449509021, 1057208185, 1239816707, 525522922, 476962140, 102897870, 132620570,
  419788154, 2095057491, 1240747817, 1271689397, 973007445, 1380110056, 1021668229, 12064370,
  1186917580, 1017163094, 597085928, 2018803520, 1795688603, 1722115921, 2015264326, 506263638,
  1002517905, 1229603330, 1376031959, 763839898, 1970623926, 1109937345, 524780807, 1976131071,
  905940439, 1313298413, 772929676, 1578848328, 1108240025, 577439381, 1293318580, 1512203375,
  371003697, 308046041, 320070446, 1252546340, 568098497, 1341794814, 1922466690, 480833267,
  1060838440, 969079660, 1836468543, 2049091118, 2023431210, 383830867, 2112679659, 231203270,
  1551220541, 1377927987, 275637462, 2110145570, 1700335604, 738389040, 1688841319, 1506456297,
  1243730675, 258043479, 599084776, 41093802, 792486733, 1897397356, 28077829, 1520357900,
  361516586, 1119263216, 209458355, 45979201, 363681532, 477245280, 2107748241, 601938891,
  244572459, 1689418013, 1141711990, 1485744349, 1181066840, 1950794776, 410494836, 1445347454,
  2137242950, 852679640, 1014566730, 1999335993, 1871390758, 1736439305, 231222289, 603972436,
  783045542, 370384393, 184356284, 709706295, 1453549767, 591603172, 768512391, 854125182,
]);

export interface CdcParams {
  minSize: number;
  maxSize: number;
  centerSize: number;
  maskS: number;
  maskL: number;
}

/** Minimum, maximum and centre sizes and the two cut masks for a target average chunk size. */
export function algCdcParams(avgSize: number): CdcParams {
  const minSize = Math.floor(avgSize / 4);
  const maxSize = avgSize * 8;
  const offset = minSize + Math.ceil(minSize / 2);
  const bits = Math.round(Math.log2(avgSize));
  return { minSize, maxSize, centerSize: avgSize - offset, maskS: 2 ** (bits + 1) - 1, maskL: 2 ** (bits - 1) - 1 };
}

/**
 * Length of the chunk that starts at `start` in `buffer[start, end)`. The decision reads at most
 * `maxSize` bytes, so it is final whenever `end − start ≥ maxSize`.
 */
export function algCdcOffset(buffer: Uint8Array, start: number, end: number, p: CdcParams): number {
  const size = end - start;
  let pattern = 0;
  let i = Math.min(p.minSize, size);
  let barrier = Math.min(p.centerSize, size);
  // pattern stays below 2^32: (pattern >>> 1) < 2^31 and every gear value < 2^31.
  for (; i < barrier; i++) {
    pattern = (pattern >>> 1) + GEAR[buffer[start + i]!]!;
    if ((pattern & p.maskS) === 0) return i + 1;
  }
  barrier = Math.min(p.maxSize, size);
  for (; i < barrier; i++) {
    pattern = (pattern >>> 1) + GEAR[buffer[start + i]!]!;
    if ((pattern & p.maskL) === 0) return i + 1;
  }
  return i;
}

/**
 * Yields the content-defined chunks of a whole buffer (one empty chunk for empty input). With
 * `utf32`, cut points are moved back to 4-byte boundaries.
 */
export function* algCdcChunks(data: Uint8Array, utf32 = false, avgChunkSize = DATA_AVG_CHUNK_SIZE): Generator<Uint8Array> {
  if (data.length === 0) {
    yield data;
    return;
  }
  const params = algCdcParams(avgChunkSize);
  let pos = 0;
  while (pos < data.length) {
    let cut = algCdcOffset(data, pos, data.length, params);
    if (utf32) cut -= cut % 4;
    // A utf32 cut of 0 (a chunk shorter than 4 bytes at the end) would never advance.
    if (cut === 0) cut = data.length - pos;
    yield data.subarray(pos, pos + cut);
    pos += cut;
  }
}

/**
 * Chunks a stream pushed in arbitrary pieces with the same cut points as chunking it whole:
 * it cuts only while at least `maxSize` bytes are buffered and keeps the rest for later.
 */
export class CdcStreamChunker {
  private readonly params: CdcParams;
  private tail: Uint8Array = new Uint8Array(0);

  constructor(avgChunkSize = DATA_AVG_CHUNK_SIZE) {
    this.params = algCdcParams(avgChunkSize);
  }

  /** Adds bytes; calls `onChunk` for every chunk whose end is now certain. */
  push(data: Uint8Array, onChunk: (chunk: Uint8Array) => void): void {
    let buffer = data;
    if (this.tail.length) {
      buffer = new Uint8Array(this.tail.length + data.length);
      buffer.set(this.tail);
      buffer.set(data, this.tail.length);
    }
    let pos = 0;
    while (buffer.length - pos >= this.params.maxSize) {
      const cut = algCdcOffset(buffer, pos, buffer.length, this.params);
      onChunk(buffer.subarray(pos, pos + cut));
      pos += cut;
    }
    this.tail = buffer.slice(pos);
  }

  /** Emits the remaining chunks at the end of the stream. */
  finish(onChunk: (chunk: Uint8Array) => void): void {
    const buffer = this.tail;
    let pos = 0;
    while (pos < buffer.length) {
      const cut = algCdcOffset(buffer, pos, buffer.length, this.params);
      onChunk(buffer.subarray(pos, pos + cut));
      pos += cut;
    }
    this.tail = new Uint8Array(0);
  }
}
