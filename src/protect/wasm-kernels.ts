/**
 * A WebAssembly module of protect's hashing kernels (built from wasm/ by `npm run build:wasm`),
 * instantiated on first use in each thread with a memory of its own. The memory grows to the largest
 * work a thread has done and stays so; callers lay out their data from HEAP_START on each call, and
 * nothing is kept in it between calls.
 */
interface Memory { readonly buffer: ArrayBuffer; grow(pages: number): number }
/** The parts of the WebAssembly global used here: its types come with the DOM library, which the server does not load. */
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number }) => Memory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}).WebAssembly;

const PAGE = 65536;
/** Where callers' data starts: past the module's own (empty) static data. */
export const HEAP_START = PAGE;

/** `arena(bytes)`: the kernels, and their memory with at least `bytes` free from HEAP_START. */
export function wasmKernels<K>(base64: string): (bytes: number) => { kernels: K; memory: Memory } {
  let instance: { kernels: K; memory: Memory } | null = null;
  return (bytes) => {
    if (!instance) {
      const memory = new wasm.Memory({ initial: 1 });
      const module = new wasm.Module(Buffer.from(base64, 'base64'));
      instance = { kernels: new wasm.Instance(module, { env: { memory } }).exports as K, memory };
    }
    const missing = HEAP_START + bytes - instance.memory.buffer.byteLength;
    if (missing > 0) instance.memory.grow(Math.ceil(missing / PAGE));
    return instance;
  };
}
