import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { AccessResource } from "../core/dynamic";
import { attributes, fessName } from "./inputs";
import { namedSpec } from "./named";

const inputs = z.object({ name: fessName, attributes: attributes([]).optional() }).strict();

/** What the runtime runs for this kind; not part of the public API. @internal */
export const roleSpec = namedSpec("fess:Role", inputs);

/** The inputs of a {@link FessRole}. */
export interface FessRoleArgs {
  /**
   * The role's name, at most 100 characters: what Fess grants (`role` in a
   * document's permissions). Fess derives the role's id from it, and users
   * hold that id, so a change **replaces** the role.
   */
  name: pulumi.Input<string>;
  /**
   * Free attributes, authoritative when given: keys not listed are removed.
   * `name`, `password`, `roles` and `groups` are refused (Fess would store them
   * over the record's own fields). Undefined leaves the server's as they are.
   */
  attributes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over an existing role of this name instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and token, when not the stack's `fess:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A Fess role. Id: Fess's id, the URL-safe Base64 of the name (`staff` is `c3RhZmY=`).
 *
 * Delete removes the role and, as Fess does, takes it from every user holding it.
 */
export class FessRole extends AccessResource {
  /** The role's name; give it to a {@link FessUser}'s `roles` so the role is created first. */
  declare public readonly name: pulumi.Output<string>;
  /** The role's attributes as the server holds them. */
  declare public readonly attributes: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: FessRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super("fess:Role", name, { ...args }, opts, { outputs: ["attributes"] });
  }
}
