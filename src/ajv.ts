/**
 * One way to make an Ajv instance with the formats of JSON Schema (uri, uuid, ipv4, ...)
 * from ajv-formats, for every validator in this package.
 */
import { Ajv, type Options } from "ajv";
import formats from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = formats as unknown as typeof formats.default;

/** A new Ajv instance with `options` and all ajv-formats formats. */
export function createAjv(options: Options): Ajv {
  return addFormats(new Ajv(options));
}
