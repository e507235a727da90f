/**
 * The one function of the `qrcode` package the web UI uses: its matrix encoder. @types/qrcode is
 * not used here because it pulls Node's types into the browser build (web/tsconfig.json has none).
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export interface QrSymbol {
    /** Dark (1) and light (0) modules, row by row, `size` × `size`. */
    modules: { size: number; data: Uint8Array };
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QrSymbol;
}
