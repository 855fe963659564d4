import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** A certificate authority made for one emulator run, and a server certificate it signed. */
export interface TestTlsMaterial {
  /** The CA certificate (PEM): what a client passes as its trusted root. */
  readonly caPem: string;
  /** The server's certificate (PEM) and private key (PEM), for `https.createServer` or gRPC. */
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestTlsOptions {
  /** DNS names the server certificate covers, besides `localhost` (wildcards allowed). */
  readonly dnsNames?: readonly string[];
  /** Common name of the CA, so a person can tell emulators apart. */
  readonly caName?: string;
}

/**
 * Generates a fresh CA and a server certificate for 127.0.0.1, ::1, localhost and `dnsNames`, in
 * memory. Nothing is written to disk and nothing is shared between runs: a client trusts exactly
 * the emulator it was given the CA of, never the process-wide store. (Node cannot mint X.509
 * certificates itself; node-forge signs them, Node's own crypto makes the keys.)
 */
export function createTestTls(options: TestTlsOptions = {}): TestTlsMaterial {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);

  const caKeys = newRsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caSubject = [{ name: "commonName", value: options.caName ?? "UKO emulator test CA" }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = newRsaKeys();
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serial();
  server.validity.notBefore = notBefore;
  server.validity.notAfter = notAfter;
  server.setSubject([{ name: "commonName", value: "localhost" }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 7, ip: "::1" },
        { type: 2, value: "localhost" },
        ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
      ],
    },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return { caPem: forge.pki.certificateToPem(ca), certPem: forge.pki.certificateToPem(server), keyPem: serverKeys.privatePem };
}

function newRsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgePrivate, publicKey: forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e), privatePem };
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] = bytes[0]! & 0x7f; // a positive serial number
  return bytes.toString("hex");
}
