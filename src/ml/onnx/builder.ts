/**
 * A small ONNX graph writer: enough of onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, AttributeProto, ValueInfoProto) to build inference graphs from weights we
 * already have (face-api's weight maps) and hand them to onnxruntime as bytes. No dependency:
 * protobuf's wire format is a handful of varints and length-delimited fields.
 *
 * Field numbers are those of onnx/onnx.proto (IR version 8, default domain opset 13).
 */

/** onnx.TensorProto.DataType */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** Protobuf wire writer: bytes appended to chunks, lengths known when a message is closed. */
class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.len += b.length;
  }

  varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (n >= 0x80n) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.push(Uint8Array.from(out));
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): void {
    this.tag(field, 0);
    this.varint(v);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): void {
    this.bytes(field, m.finish());
  }

  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
  }

  /** Packed repeated varints (int64s). */
  packedInts(field: number, vs: readonly number[]): void {
    const w = new Writer();
    for (const v of vs) w.varint(v);
    this.bytes(field, w.finish());
  }

  /** Packed repeated floats. */
  packedFloats(field: number, vs: readonly number[]): void {
    const b = new Uint8Array(vs.length * 4);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/**
 * An attribute: a number with a fraction is a float, a whole number an int; `{ float }` forces a
 * float (alpha = 1), `{ floats }` is a float list, a number[] an int list.
 */
export type AttrValue =
  number | string | number[] | { float: number } | { floats: number[] } | { int: number } | Tensor;

/** A constant tensor (an initializer or a Constant's value). */
export interface Tensor {
  dims: number[];
  type: DataTypeCode;
  /** Raw little-endian bytes of the values, row-major. */
  raw: Uint8Array;
}

export function floatTensor(data: Float32Array | readonly number[], dims: number[]): Tensor {
  const f = data instanceof Float32Array ? data : Float32Array.from(data);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== f.length) throw new Error(`floatTensor: ${f.length} values for shape [${dims.join(',')}]`);
  return { dims, type: DataType.FLOAT, raw: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}

/** Raw-byte tensor of an integer type (int8, uint8, int32), row-major. */
export function intTensor(
  data: Int8Array | Uint8Array | Int32Array,
  dims: number[],
  type: typeof DataType.INT8 | typeof DataType.UINT8 | typeof DataType.INT32,
): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`intTensor: ${data.length} values for shape [${dims.join(',')}]`);
  return { dims, type, raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function int64Tensor(data: readonly number[], dims: number[] = [data.length]): Tensor {
  const b = new BigInt64Array(data.map((v) => BigInt(v)));
  return { dims, type: DataType.INT64, raw: new Uint8Array(b.buffer) };
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'raw' in v && 'dims' in v;
}

function tensorProto(name: string, t: Tensor): Writer {
  const w = new Writer();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.type);
  w.string(8, name);
  w.bytes(9, t.raw);
  return w;
}

/** AttributeProto.AttributeType */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

function attributeProto(name: string, v: AttrValue): Writer {
  const w = new Writer();
  w.string(1, name);
  if (typeof v === 'number') {
    if (Number.isInteger(v)) {
      w.int(3, v);
      w.int(20, AttrType.INT);
    } else {
      w.float(2, v);
      w.int(20, AttrType.FLOAT);
    }
  } else if (typeof v === 'string') {
    w.string(4, v);
    w.int(20, AttrType.STRING);
  } else if (Array.isArray(v)) {
    w.packedInts(8, v);
    w.int(20, AttrType.INTS);
  } else if (isTensor(v)) {
    w.message(5, tensorProto('', v));
    w.int(20, AttrType.TENSOR);
  } else if ('floats' in v) {
    w.packedFloats(7, v.floats);
    w.int(20, AttrType.FLOATS);
  } else if ('float' in v) {
    w.float(2, v.float);
    w.int(20, AttrType.FLOAT);
  } else {
    w.int(3, v.int);
    w.int(20, AttrType.INT);
  }
  return w;
}

export interface ValueInfo {
  name: string;
  type: DataTypeCode;
  /** Dimension sizes, or names for symbolic ones. */
  shape: Array<number | string>;
}

function valueInfoProto(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new Writer();
  tensorType.int(1, v.type);
  tensorType.message(2, shape);
  const type = new Writer();
  type.message(1, tensorType);
  const w = new Writer();
  w.string(1, v.name);
  w.message(2, type);
  return w;
}

interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  name: string;
}

/**
 * Builds one graph. `node()` returns its first output's name so graphs read like expressions:
 * `const y = g.node('Relu', [g.node('Conv', [x, w, b], { pads: [1,1,1,1] })])`.
 */
export class GraphBuilder {
  private nodes: Node[] = [];
  private inits = new Map<string, Tensor>();
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(v: ValueInfo): string {
    this.inputs.push(v);
    return v.name;
  }

  output(v: ValueInfo): void {
    this.outputs.push(v);
  }

  /** Adds a constant tensor; returns its name. */
  init(name: string, t: Tensor): string {
    if (this.inits.has(name)) throw new Error(`initializer ${name} defined twice`);
    this.inits.set(name, t);
    return name;
  }

  /** A fresh name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(op.toLowerCase())];
    this.nodes.push({ op, inputs, outputs: outs, attrs, name: this.fresh(`n_${op}`) });
    return outs[0]!;
  }

  /** Serialises the model (ModelProto) for `InferenceSession.create(bytes)`. */
  toBytes(opts: { opset?: number; producer?: string } = {}): Uint8Array {
    const g = new Writer();
    for (const n of this.nodes) {
      const w = new Writer();
      for (const i of n.inputs) w.string(1, i);
      for (const o of n.outputs) w.string(2, o);
      w.string(3, n.name);
      w.string(4, n.op);
      for (const [k, v] of Object.entries(n.attrs)) w.message(5, attributeProto(k, v));
      g.message(1, w);
    }
    g.string(2, this.name);
    for (const [name, t] of this.inits) g.message(5, tensorProto(name, t));
    for (const v of this.inputs) g.message(11, valueInfoProto(v));
    for (const v of this.outputs) g.message(12, valueInfoProto(v));
    const opset = new Writer();
    opset.string(1, '');
    opset.int(2, opts.opset ?? 13);
    const m = new Writer();
    m.int(1, 8); // ir_version
    m.string(2, opts.producer ?? 'sightline');
    m.message(7, g);
    m.message(8, opset);
    return m.finish();
  }
}
