// XEP-0030 Service Discovery, info part: identities, features and XEP-0128 extension forms.
import { attr, type XmlElement, xml } from "../xml.js";
import { buildDataForm, type DataForm, parseDataForm } from "./data-form.js";
import { NS } from "./namespaces.js";

export interface DiscoIdentity {
  readonly category: string;
  readonly type: string;
  readonly name?: string;
  readonly lang?: string;
}

export interface DiscoInfo {
  readonly identities: readonly DiscoIdentity[];
  readonly features: readonly string[];
  readonly forms: readonly DataForm[];
}

export function buildDiscoInfoQuery(node?: string): XmlElement {
  return xml("query", { xmlns: NS.discoInfo, node });
}

export function buildDiscoInfoResult(info: DiscoInfo, node?: string): XmlElement {
  return xml(
    "query",
    { xmlns: NS.discoInfo, node },
    ...info.identities.map((i) =>
      xml("identity", { category: i.category, type: i.type, name: i.name, "xml:lang": i.lang }),
    ),
    ...info.features.map((f) => xml("feature", { var: f })),
    ...info.forms.map(buildDataForm),
  );
}

/**
 * Reads a disco#info result. Duplicates are kept as they came: XEP-0115 §5.4 needs to see them
 * to reject a malformed answer.
 */
export function parseDiscoInfo(query: XmlElement): DiscoInfo {
  const identities = query.getChildren("identity").map((el) => {
    const name = attr(el, "name");
    const lang = attr(el, "xml:lang");
    return {
      category: el.attrs.category ?? "",
      type: el.attrs.type ?? "",
      ...(name !== undefined ? { name } : {}),
      ...(lang !== undefined ? { lang } : {}),
    };
  });
  const features = query
    .getChildren("feature")
    .map((el) => el.attrs.var ?? "")
    .filter((v) => v !== "");
  const forms = query.getChildren("x", NS.dataForms).map(parseDataForm);
  return { identities, features, forms };
}
