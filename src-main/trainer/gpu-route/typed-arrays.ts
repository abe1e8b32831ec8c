// zod schemas for the typed arrays that cross the port. z.instanceof would type them with an ArrayBuffer
// only; the engine's arrays may sit on any buffer, so these accept the class whatever its buffer.
import { z } from 'zod';

type TypedArrayClass = Float32Array | Float64Array | Int32Array | Uint16Array | Uint32Array;

function typedArray<T extends TypedArrayClass>(of: abstract new (...args: never[]) => T, name: string) {
  return z.custom<T>((value) => value instanceof of, { message: `expected a ${name}` });
}

export const Float32ArraySchema = typedArray<Float32Array>(Float32Array, 'Float32Array');
export const Float64ArraySchema = typedArray<Float64Array>(Float64Array, 'Float64Array');
export const Int32ArraySchema = typedArray<Int32Array>(Int32Array, 'Int32Array');
export const Uint16ArraySchema = typedArray<Uint16Array>(Uint16Array, 'Uint16Array');
export const Uint32ArraySchema = typedArray<Uint32Array>(Uint32Array, 'Uint32Array');
