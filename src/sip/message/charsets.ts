// Character classes of the RFC 3261 §25.1 grammar, as lookup tables indexed by char code.

function table(chars: string, ranges: Array<[string, string]> = []): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  for (const [a, b] of ranges) {
    for (let i = a.charCodeAt(0); i <= b.charCodeAt(0); i++) t[i] = 1;
  }
  return t;
}

const ALNUM: Array<[string, string]> = [
  ["a", "z"],
  ["A", "Z"],
  ["0", "9"],
];

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", ALNUM);
/** word (Call-ID) = token chars plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = table("-.!%*_+`'~()<>:\\\"/[]?{}", ALNUM);
/** unreserved = alphanum / mark */
export const UNRESERVED = table("-_.!~*'()", ALNUM);
/** user = 1*( unreserved / escaped / user-unreserved ) */
export const USER_SAFE = table("-_.!~*'()&=+$,;?/", ALNUM);
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD_SAFE = table("-_.!~*'()&=+$,", ALNUM);
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAM_SAFE = table("-_.!~*'()[]/:&+$", ALNUM);
/** hname / hvalue = 1*( hnv-unreserved / unreserved / escaped ) */
export const HEADER_SAFE = table("-_.!~*'()[]/?:+$", ALNUM);
/** hostname characters (plus '.' and '-'). */
export const HOST = table("-.", ALNUM);
export const DIGIT = table("", [["0", "9"]]);
export const HEX = table("", [
  ["0", "9"],
  ["a", "f"],
  ["A", "F"],
]);

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

export function isWord(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || WORD[c] === 0) return false;
  }
  return true;
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export const isWsp = (c: number): boolean => c === 32 || c === 9;
