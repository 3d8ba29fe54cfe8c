import { isSecretName } from './sensitive-keys';

/**
 * The last word of every secret name (see sensitive-keys.ts), followed by `=` (query strings,
 * key=value logs) or `":` (JSON). The regular expression only finds these anchors; the name is
 * read backwards and the value forwards by hand, each character once, so time stays linear.
 */
const ANCHOR = /(?:password|passwd|pwd|secret|token|key|authorization|auth|sig|signature)(?:=|"\s*:\s*")/gi;
const NAME_CHAR = /[A-Za-z0-9_-]/;
const MAX_NAME = 64;
/** Where a query-string or key=value value ends. */
const VALUE_END = /[&\s"'<>;,]/;

/** `text` with the value of every `name=value` and `"name": "value"` whose name is secret masked. */
export function maskNamedValues(text: string, marker: string): string {
  let out = '';
  let copied = 0;
  ANCHOR.lastIndex = 0;
  for (let anchor = ANCHOR.exec(text); anchor !== null; anchor = ANCHOR.exec(text)) {
    const separator = anchor[0].endsWith('=') ? '=' : '"';
    const nameEnd = anchor.index + anchor[0].indexOf(separator === '=' ? '=' : '"');
    let nameStart = nameEnd;
    while (nameStart > copied && nameEnd - nameStart < MAX_NAME && NAME_CHAR.test(text[nameStart - 1]!)) {
      nameStart--;
    }
    const valueStart = anchor.index + anchor[0].length;
    const json = separator === '"';
    if (json && text[nameStart - 1] !== '"') continue;
    if (!isSecretName(text.slice(nameStart, nameEnd))) continue;
    const valueEnd = json ? jsonStringEnd(text, valueStart) : plainValueEnd(text, valueStart);
    if (valueEnd === valueStart && !json) continue;
    out += text.slice(copied, valueStart) + marker;
    copied = valueEnd;
    ANCHOR.lastIndex = Math.max(ANCHOR.lastIndex, valueEnd);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Index of the closing quote of a JSON string whose content starts at `from`, or the text's end. */
function jsonStringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '"') return i;
  }
  // Unterminated (a cut line): the rest may all be the secret.
  return text.length;
}

function plainValueEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !VALUE_END.test(text[i]!)) i++;
  return i;
}
