/**
 * The spec FessRole and FessGroup share. Fess keeps both as a name plus a
 * map of attributes, answers them in one shape, and gives users their ids;
 * only the path and the attribute rules differ.
 */
import type { z } from "zod";
import { noLongerExists } from "../core/errors";
import type { ResourceSpec } from "../core/spec";
import { fessClient, fessId, type FessClient, type FessNamedSetting } from "./client";
import { idOfName } from "./inputs";

export interface NamedInput {
  name: string;
  attributes?: Record<string, string> | undefined;
}

export interface NamedState {
  name: string;
  attributes: Record<string, string>;
}

function toState(setting: FessNamedSetting): NamedState {
  return { name: setting.name, attributes: { ...setting.attributes } };
}

export function namedSpec(
  kind: "fess:Role" | "fess:Group",
  inputs: z.ZodType<NamedInput>,
): ResourceSpec<NamedInput, NamedState, FessClient> {
  const path = kind === "fess:Role" ? "role" : "group";
  return {
    app: "fess",
    kind,
    schemaVersion: 1,
    inputs,
    // Users hold the id, which encodes the first name for good: a new name is a new object.
    replaceOn: ["name"],
    idFor: idOfName,
    describe: (input) => `${path} ${input.name}`,
    client: fessClient,

    async create({ client }, input) {
      const state: NamedState = { name: input.name, attributes: { ...input.attributes } };
      return { id: await client.create(path, state), state };
    },

    async read({ client }, id) {
      // Refresh: one list of this kind serves every resource of the process.
      const setting = await client.getForRefresh(path, id);
      return setting && toState(setting);
    },

    async update({ client }, id, previous, input) {
      const current = await client.get(path, id);
      if (!current) throw noLongerExists("fess", `${path} ${String(previous.name)} (id ${id})`);
      // The name is always sent: one renamed behind Pulumi's back goes back to the program's.
      const attributes = input.attributes ?? current.attributes;
      await client.update(path, current, { name: input.name, attributes });
      return { name: input.name, attributes: { ...attributes } };
    },

    async delete({ client }, id) {
      await client.delete(path, id);
    },

    async find({ client }, input) {
      const setting = await client.get(path, fessId(input.name));
      return setting && { id: setting.id, state: toState(setting) };
    },
  };
}
