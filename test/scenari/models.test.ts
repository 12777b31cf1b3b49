import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../providers/core/errors";
import { ModelCatalogueError, parseModelCatalogue, resolveModel, wspTypeXml, type InstalledModel } from "../../providers/scenari/models";

/**
 * The model catalogue as servers other than the sandbox may write it: the
 * root's name is not documented, and nothing says a server avoids prefixes,
 * single quotes, comments or entities. Each of these must still give the
 * models a program can choose from.
 */
describe("reading GetNewEditor", () => {
  it("reads models and their options whatever the root, prefixes, quotes, comments and entities", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <!-- installed packs -->
      <sc:editor xmlns:sc="urn:x">
        <sc:wspTypeDef key='Opale' uri="Opale_fr-FR_5-0-5" version="5.0.5" lang="fr-FR" title="Opale 5 &amp; co &#233;dition" newest="true">
          <sc:wspOptionDef key="OpaleExtEmeraude" uri="E" version="5.0.2" lang="fr-FR" title="Tutoriel" nature="ext"/>
          <![CDATA[ <wspTypeDef key="Fake" version="1"/> ]]>
        </sc:wspTypeDef>
        <wspTypeDef key="Dokiel" version="6.0.3" lang="en-US"/>
      </sc:editor>`;
    expect(parseModelCatalogue(xml)).toEqual([
      {
        key: "Opale",
        uri: "Opale_fr-FR_5-0-5",
        version: "5.0.5",
        lang: "fr-FR",
        title: "Opale 5 & co édition",
        options: [{ key: "OpaleExtEmeraude", uri: "E", version: "5.0.2", lang: "fr-FR", title: "Tutoriel" }],
      },
      { key: "Dokiel", uri: "", version: "6.0.3", lang: "en-US", title: "", options: [] },
    ]);
  });

  it("leaves out models the server marks unusable, and entries without a key or version", () => {
    const xml = `<root>
      <wspTypeDef key="Gone" version="1.0" unknown="true"/>
      <wspTypeDef key="Broken" version="2.0" errorPack="load failed"><wspOptionDef key="x" version="1"/></wspTypeDef>
      <wspTypeDef version="3.0"/>
      <wspTypeDef key="Kept" version="4.0"/>
    </root>`;
    expect(parseModelCatalogue(xml).map((m) => m.key)).toEqual(["Kept"]);
  });

  it("refuses an answer that is not XML at all", () => {
    expect(() => parseModelCatalogue('{"error":"not xml"}')).toThrow(ModelCatalogueError);
  });
});

describe("choosing a model", () => {
  const model = (key: string, version: string, lang: string, options: string[] = []): InstalledModel => ({
    key,
    version,
    lang,
    uri: `${key}_${lang}_${version}`,
    title: key,
    options: options.map((o) => ({ key: o.split("@")[0] as string, version: o.split("@")[1] ?? "1.0", lang, uri: o, title: o })),
  });
  const installed = [
    model("Opale", "5.0.5", "fr-FR", ["Ext@5.0.1", "Ext@5.0.2"]),
    model("Opale", "5.10.0", "fr-FR"),
    model("Opale", "50.1.0", "fr-FR"),
    model("Opale", "4.3.2", "fr-FR"),
  ];

  it("takes the newest version under a prefix of whole components, comparing numbers as numbers", () => {
    expect(resolveModel(installed, { key: "Opale", version: "5" }).wspType.version).toBe("5.10.0");
    expect(resolveModel(installed, { key: "Opale", version: "5.0" }).wspType.version).toBe("5.0.5");
    expect(resolveModel(installed, { key: "Opale" }).wspType.version).toBe("50.1.0");
  });

  it("takes the newest version of each option the chosen model offers", () => {
    expect(resolveModel(installed, { key: "Opale", version: "5.0", options: ["Ext"] }).wspOptions.map((o) => o.version)).toEqual(["5.0.2"]);
  });

  it("writes the body with every attribute escaped", () => {
    const body = wspTypeXml({ wspType: { key: "A&B", uri: "u", version: "1", lang: "fr-FR", title: 'Le "cours"' }, wspOptions: [] });
    expect(body).toBe('<wspType key="A&amp;B" uri="u" version="1" lang="fr-FR" title="Le &quot;cours&quot;"></wspType>');
  });

  it("fails with what is installed when nothing matches", () => {
    expect(() => resolveModel([], { key: "Opale" })).toThrow(InvalidInput);
    expect(() => resolveModel([], { key: "Opale" })).toThrow(/installed: none/);
  });
});
