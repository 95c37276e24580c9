/**
 * A slow, plain reference reader of Plonky3 v0.6.2's postcard proof body (docs/protocol.md §11),
 * written from the layout alone: BigInt varints, one element at a time, no limits beyond the
 * format's own rules (minimal varints, u32 field elements below P as Montgomery values, 0/1
 * option tags, caps of one digest, no trailing bytes). It returns the decoded values as plain
 * number arrays in reading order, or null for input the format rejects. test/stark/codec-ref.test.ts
 * compares src/stark/codec.ts's fast decoder against it.
 */
const P = 0x78000001n;
const R_INV = 943718400n; // 2^-32 mod P (test/vectors/babybear.json montgomery.R_inv_mod_p)

class Bad extends Error {}

/**
 * Reads a proof body.
 * @param bytes the postcard body
 * @returns every field element (canonical) and every length/tag/byte, in reading order, or null
 */
export function refReadProof(bytes: Uint8Array): number[] | null {
  let pos = 0;
  const out: number[] = [];
  const varint = (maxBytes: number): bigint => {
    let v = 0n;
    for (let i = 0; i < maxBytes; i++) {
      if (pos >= bytes.length) throw new Bad();
      const b = bytes[pos++];
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        if (i > 0 && b === 0) throw new Bad(); // not minimal
        if (maxBytes === 5 && v >= 2n ** 32n) throw new Bad();
        return v;
      }
    }
    throw new Bad();
  };
  const len = (): number => {
    const n = varint(10);
    if (n > 1_000_000n) throw new Bad();
    out.push(Number(n));
    return Number(n);
  };
  const felt = (): void => {
    const m = varint(5);
    if (m >= P) throw new Bad();
    out.push(Number((m * R_INV) % P));
  };
  const felts = (n: number): void => {
    for (let i = 0; i < n; i++) felt();
  };
  const tag = (): boolean => {
    if (pos >= bytes.length) throw new Bad();
    const t = bytes[pos++];
    if (t > 1) throw new Bad();
    out.push(t);
    return t === 1;
  };
  const cap = (): void => {
    if (len() !== 1) throw new Bad();
    felts(8);
  };
  const extList = (): void => felts(4 * len());
  const digests = (): void => felts(8 * len());
  try {
    cap(); // commitments.trace
    cap(); // commitments.quotientChunks
    if (tag()) cap(); // commitments.random
    extList(); // traceLocal
    for (let i = 0; i < 3; i++) if (tag()) extList(); // traceNext, preprocessedLocal, preprocessedNext
    for (let i = len(); i > 0; i--) extList(); // quotientChunks
    if (tag()) extList(); // random
    for (let i = len(); i > 0; i--) cap(); // commitPhaseCommits
    for (let i = len(); i > 0; i--) felt(); // commitPowWitnesses
    for (let q = len(); q > 0; q--) {
      for (let b = len(); b > 0; b--) {
        for (let m = len(); m > 0; m--) felts(len()); // openedValues rows
        digests(); // openingProof
      }
      for (let s = len(); s > 0; s--) {
        if (pos >= bytes.length) throw new Bad();
        out.push(bytes[pos++]); // logArity (u8)
        extList(); // siblingValues
        digests(); // openingProof
      }
    }
    extList(); // finalPoly
    felt(); // queryPowWitness
    out.push(Number(varint(10))); // degreeBits
    if (pos !== bytes.length) throw new Bad();
    return out;
  } catch (e) {
    if (e instanceof Bad) return null;
    throw e;
  }
}
