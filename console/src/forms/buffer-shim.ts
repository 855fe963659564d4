/**
 * The SDK's validateProperties measures a file property's size with Buffer.byteLength(value,
 * "base64"), which browsers lack. Rather than ship a Buffer polyfill, give it the one call it makes,
 * and only where Buffer is missing (Node, the unit tests, keeps its own).
 */
interface MinimalBuffer {
  byteLength(value: string, encoding: "base64"): number;
}

export function base64ByteLength(value: string): number {
  const clean = value.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

const scope = globalThis as { Buffer?: MinimalBuffer };
if (scope.Buffer === undefined) scope.Buffer = { byteLength: (value) => base64ByteLength(value) };
