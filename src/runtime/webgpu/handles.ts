/**
 * The handles WebGpuBackend gives out: a commitment (device LDEs, the coefficient buffers of its
 * inputs and the Merkle tree, or a host tree in the FRI tail) and an EF vector (a device buffer, or
 * a host copy in the FRI tail). Buffers shared between handles are reference-counted.
 * No Plonky3 counterpart (the prover data of Plonky3/Plonky3:merkle-tree/src/mmcs.rs lives here).
 */
import type { Digest } from '../../hash/types.ts';
import type { MerkleTree } from '../../merkle/mmcs.ts';
import type { CommittedHandle, ExtVectorHandle, MatrixShape } from '../backend.ts';
import type { DeviceMatrix, DeviceTree } from './engine.ts';

/** A device buffer shared by handles; destroyed when the last holder lets go. */
export class Shared {
  refs = 1;
  readonly buffer: GPUBuffer;
  constructor(buffer: GPUBuffer) {
    this.buffer = buffer;
  }
  drop(): void {
    if (--this.refs === 0) this.buffer.destroy();
  }
}

/** A commitment of WebGpuBackend: device LDEs and tree, or (FRI tail) a host tree. */
export class GpuCommitted implements CommittedHandle {
  readonly handle = 'committed' as const;
  released = false;
  readonly owner: object;
  readonly root: Digest;
  readonly shapes: readonly MatrixShape[];
  /** Device LDEs (committed order); empty for a host tree. */
  readonly ldes: readonly DeviceMatrix[];
  /** The shared buffers of `ldes`. */
  readonly held: readonly Shared[];
  /** planIdft outputs of the inputs (for the quotient's own LDE when lqc > logBlowup). */
  readonly coeffs: readonly DeviceMatrix[];
  readonly tree: DeviceTree | null;
  readonly host: MerkleTree | null;
  constructor(
    owner: object,
    root: Digest,
    shapes: readonly MatrixShape[],
    dev: { ldes: DeviceMatrix[]; held: Shared[]; coeffs: DeviceMatrix[]; tree: DeviceTree } | null,
    host: MerkleTree | null,
  ) {
    this.owner = owner;
    this.root = root;
    this.shapes = shapes;
    this.ldes = dev?.ldes ?? [];
    this.held = dev?.held ?? [];
    this.coeffs = dev?.coeffs ?? [];
    this.tree = dev?.tree ?? null;
    this.host = host;
  }
}

/** An EF vector of WebGpuBackend: in a device buffer, or (FRI tail) on the host. */
export class GpuVector implements ExtVectorHandle {
  readonly handle = 'ext-vector' as const;
  released = false;
  readonly owner: object;
  readonly length: number;
  readonly shared: Shared | null;
  host: Uint32Array | null;
  constructor(owner: object, length: number, shared: Shared | null, host: Uint32Array | null) {
    this.owner = owner;
    this.length = length;
    this.shared = shared;
    this.host = host;
  }
}
