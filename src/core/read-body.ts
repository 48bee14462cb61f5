// Reading a response body with a size limit. The stream is cancelled as soon as it goes over, so
// an oversized body (a 10 MB policy file, a hostile DoH answer, a lookup service's reply) is never
// downloaded whole; used by the DoH transport, the MTA-STS policy fetch, the extension's lookup
// client and the Node HTTP/2 fetch's HTTP/1.1 fallback.

/**
 * The whole body, or 'too-large' once more than `maxBytes` arrived (the stream is then cancelled).
 * A failed read rejects (the stream is cancelled too); so does `stopped`, when given and it
 * rejects first (a caller's deadline).
 */
export async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number, stopped?: Promise<never>): Promise<Uint8Array | 'too-large'> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await (stopped ? Promise.race([reader.read(), stopped]) : reader.read());
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError('the body stream did not yield bytes');
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
