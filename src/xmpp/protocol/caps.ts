// XEP-0115 Entity Capabilities: the <c/> element and the verification string ('ver').
import { attr, type XmlElement, xml } from "../xml.js";
import { formTypeOf } from "./data-form.js";
import type { DiscoInfo } from "./disco.js";
import { NS } from "./namespaces.js";

export interface CapsAnnouncement {
  /** Hash function name from the IANA registry as XEP-0115 §5.1 uses it ("sha-1"). */
  readonly hash: string;
  readonly node: string;
  readonly ver: string;
}

export function buildCaps(caps: CapsAnnouncement): XmlElement {
  return xml("c", { xmlns: NS.caps, hash: caps.hash, node: caps.node, ver: caps.ver });
}

/** The caps of a presence; legacy <c/> without 'hash' (§8.3) is not verifiable, so ignored. */
export function parseCaps(presence: XmlElement): CapsAnnouncement | undefined {
  const c = presence.getChild("c", NS.caps);
  if (!c) return undefined;
  const hash = attr(c, "hash");
  const node = attr(c, "node");
  const ver = attr(c, "ver");
  return hash && node && ver ? { hash, node, ver } : undefined;
}

// "i;octet" collation (RFC 4790 §9.3): compare UTF-8 bytes, not UTF-16 code units.
const utf8 = new TextEncoder();
function octetCompare(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}
const sorted = (values: readonly string[]) => [...values].sort(octetCompare);

/** Why a disco#info answer cannot be hashed (§5.4 step 3), or null when it can. */
export function capsInputProblem(info: DiscoInfo): string | null {
  const identityKeys = info.identities.map(
    (i) => `${i.category}/${i.type}/${i.lang ?? ""}/${i.name ?? ""}`,
  );
  if (new Set(identityKeys).size !== identityKeys.length) {
    return "it lists the same identity (category+type+lang+name) twice";
  }
  if (new Set(info.features).size !== info.features.length) return "it lists a feature twice";
  const formTypes: string[] = [];
  for (const form of info.forms) {
    const field = form.fields.find((f) => f.var === "FORM_TYPE");
    if (!field) continue; // §5.4 3.6: forms without FORM_TYPE are ignored
    if (field.type !== undefined && field.type !== "hidden") {
      return "a FORM_TYPE field is not of type hidden";
    }
    const type = formTypeOf(form);
    if (type === undefined) return "a FORM_TYPE field does not have exactly one value";
    formTypes.push(type);
  }
  if (new Set(formTypes).size !== formTypes.length) {
    return "it has two extension forms with the same FORM_TYPE";
  }
  return null;
}

/** The string S of §5.1 that gets hashed. */
export function capsVerificationString(info: DiscoInfo): string {
  let s = "";
  // §5.1 steps 1–3: identities sorted by category, then type, then xml:lang.
  const identities = [...info.identities].sort(
    (a, b) =>
      octetCompare(a.category, b.category) ||
      octetCompare(a.type, b.type) ||
      octetCompare(a.lang ?? "", b.lang ?? "") ||
      octetCompare(a.name ?? "", b.name ?? ""),
  );
  for (const i of identities) s += `${i.category}/${i.type}/${i.lang ?? ""}/${i.name ?? ""}<`;
  // Steps 4–5: features sorted.
  for (const f of sorted(info.features)) s += `${f}<`;
  // Step 6: extended forms sorted by FORM_TYPE; inside, fields sorted by var, values sorted.
  const forms = info.forms
    .map((form) => ({ form, type: formTypeOf(form) }))
    .filter((f): f is { form: (typeof info.forms)[number]; type: string } => f.type !== undefined)
    .sort((a, b) => octetCompare(a.type, b.type));
  for (const { form, type } of forms) {
    s += `${type}<`;
    const fields = form.fields
      .filter((f) => f.var !== "FORM_TYPE")
      .sort((a, b) => octetCompare(a.var, b.var));
    for (const field of fields) {
      s += `${field.var}<`;
      for (const v of sorted(field.values)) s += `${v}<`;
    }
  }
  return s;
}

// §5.1 step 8: the hash functions of the IANA registry that we can compute.
const DIGESTS: Record<string, string> = {
  "sha-1": "SHA-1",
  "sha-256": "SHA-256",
  "sha-512": "SHA-512",
};

export function isSupportedCapsHash(hash: string): boolean {
  return hash in DIGESTS;
}

/** The 'ver' attribute for `info`: base64 of the hash of the verification string (§5.1). */
export async function computeCapsVer(info: DiscoInfo, hash = "sha-1"): Promise<string> {
  const digest = DIGESTS[hash];
  if (!digest) throw new RangeError(`unsupported caps hash "${hash}"; use sha-1`);
  const bytes = new Uint8Array(
    await globalThis.crypto.subtle.digest(digest, utf8.encode(capsVerificationString(info))),
  );
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
