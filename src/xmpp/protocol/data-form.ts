// The subset of XEP-0004 Data Forms that disco extensions (XEP-0128), caps and MAM queries use:
// typed fields with values.
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export interface DataFormField {
  readonly var: string;
  readonly type?: string;
  readonly values: readonly string[];
}

export interface DataForm {
  readonly type: "form" | "submit" | "result" | "cancel";
  readonly fields: readonly DataFormField[];
}

export function buildDataForm(form: DataForm): XmlElement {
  return xml(
    "x",
    { xmlns: NS.dataForms, type: form.type },
    ...form.fields.map((f) =>
      xml("field", { var: f.var, type: f.type }, ...f.values.map((v) => xml("value", {}, v))),
    ),
  );
}

export function parseDataForm(el: XmlElement): DataForm {
  const rawType = attr(el, "type");
  const type =
    (["form", "submit", "result", "cancel"] as const).find((t) => t === rawType) ?? "result";
  const fields = el.getChildren("field").map((f) => {
    const type = attr(f, "type");
    return {
      var: f.attrs.var ?? "",
      values: f.getChildren("value").map((v) => v.text()),
      ...(type ? { type } : {}),
    };
  });
  return { type, fields };
}

/** The hidden FORM_TYPE field's value (XEP-0068), if exactly one is given. */
export function formTypeOf(form: DataForm): string | undefined {
  const field = form.fields.find((f) => f.var === "FORM_TYPE");
  return field && field.values.length === 1 ? field.values[0] : undefined;
}
