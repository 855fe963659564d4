import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { fieldsFor } from "../forms/descriptors.ts";
import { testType } from "../forms/fixtures.ts";
import { PropertyField } from "./PropertyField.tsx";

/** The markup the console renders for an enum property with these values (required or not). */
function render(enumValues: string[], required: boolean, error?: string): string {
  const type = { ...testType, properties: testType.properties.map((d) => (d.name === "tier" ? { ...d, enumValues, required, default: null } : d)) };
  const field = fieldsFor(type, "connect").find((f) => f.name === "tier")!;
  return renderToStaticMarkup(createElement(PropertyField, { field, value: enumValues[3] ?? "", error, onValue: () => undefined }));
}

const regions = Array.from({ length: 30 }, (_, i) => `region-${i + 1}`);

describe("enum property fields", () => {
  it("a short enum stays a native select with every value", () => {
    const html = render(["standard", "premium"], false);
    expect(html).toContain("<select");
    expect(html).not.toContain('role="combobox"');
    // Carbon's Select: a native <select> inside, its options classed for Carbon's styles.
    expect(html).toMatch(/<option[^>]* value="premium">premium<\/option>/);
  });

  it("an enum of more than 10 values is a combobox, labelled, with its values, the chosen one shown", () => {
    const html = render(regions, true);
    expect(html).not.toContain("<select");
    const input = /<input[^>]*role="combobox"[^>]*>/.exec(html)?.[0] ?? "";
    expect(input).toContain('name="tier"');
    expect(input).toContain('value="region-4"');
    expect(input).toContain('aria-required="true"');
    // The label points at the combobox, so getByLabel("Tier") finds it.
    const id = /id="([^"]+)"/.exec(input)![1]!;
    expect(html).toContain(`for="${id}"`);
    expect(html.match(/role="option"/g)).toHaveLength(30);
    expect(html).not.toContain("(none)");
  });

  it("a long optional enum can be emptied again; an error marks the combobox invalid and describes it", () => {
    const html = render(regions, false, "Tier must be one of the listed values");
    expect(html.match(/role="option"/g)).toHaveLength(31);
    expect(html).toContain(">(none)</li>");
    const input = /<input[^>]*role="combobox"[^>]*>/.exec(html)![0];
    expect(input).toContain('aria-invalid="true"');
    const describedBy = /aria-describedby="([^"]+)"/.exec(input)![1]!.split(" ");
    const described = describedBy.map((id) => new RegExp(`id="${id}"[^>]*>([^<]*)`).exec(html)?.[1] ?? "");
    expect(described).toContain("Tier must be one of the listed values");
  });
});
