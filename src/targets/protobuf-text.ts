/**
 * Protobuf text format, printed from a tree of fields. Strings are escaped as protobuf's own
 * printer does (C escapes; bytes outside printable ASCII as three-digit octal), so a value from a
 * policy can never end a string or open a field.
 */

export type TextValue = string | number | boolean | TextField[];

export interface TextField {
  name: string;
  value: TextValue;
}

export function field(name: string, value: TextValue): TextField {
  return { name, value };
}

export function escapeProtoString(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x27) out += "\\'";
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `"${out}"`;
}

/** Print a message body, two spaces per level, one field per line. */
export function printMessage(fields: readonly TextField[], depth = 0): string {
  const pad = '  '.repeat(depth);
  return fields
    .map(({ name, value }) => {
      if (Array.isArray(value)) return `${pad}${name} {\n${printMessage(value, depth + 1)}${pad}}\n`;
      if (typeof value === 'boolean') return `${pad}${name}: ${value}\n`;
      if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) throw new Error(`protobuf text: ${name} must be a safe integer, got ${value}`);
        return `${pad}${name}: ${value}\n`;
      }
      return `${pad}${name}: ${escapeProtoString(value)}\n`;
    })
    .join('');
}
