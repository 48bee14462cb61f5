// Node's TLS client checks the server's name (tls.checkServerIdentity, RFC 6125) on the object
// that `getPeerCertificate(true)` returns: the *detailed* form, which also turns every issuer
// certificate of the chain into a JavaScript object. The name check reads only the leaf's
// `subject` and `subjectaltname`. That conversion was the largest single JavaScript cost of a new
// policy-host connection in a profile of the engine's batch benchmark; handing over the leaf alone
// takes the client's CPU per new connection from 1.42-1.52 ms to 1.14-1.30 ms (loopback, this
// project's 2-core machine). So, during the handshake only, the socket hands over the leaf
// alone. Chain validation is OpenSSL's and does not change; the name check runs on the same
// leaf fields; after the handshake the socket's method is its own again.
import type { TLSSocket } from 'node:tls';

export function leafOnlyDuringHandshake(socket: TLSSocket): void {
  const own = socket.getPeerCertificate;
  socket.getPeerCertificate = function leafOnly(this: TLSSocket) {
    return own.call(this, false);
  } as TLSSocket['getPeerCertificate'];
  const restore = (): void => {
    socket.getPeerCertificate = own;
  };
  socket.once('secureConnect', restore);
  socket.once('close', restore);
}
