import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { AccessResource } from "../core/dynamic";
import { attributes, fessName } from "./inputs";
import { namedSpec } from "./named";

// Fess maps a group's gidNumber as a long, for its LDAP sync.
const inputs = z.object({ name: fessName, attributes: attributes(["gidNumber"]).optional() }).strict();

/** What the runtime runs for this kind; not part of the public API. @internal */
export const groupSpec = namedSpec("fess:Group", inputs);

/** The inputs of a {@link FessGroup}. */
export interface FessGroupArgs {
  /**
   * The group's name, at most 100 characters: what Fess grants (`group` in a
   * document's permissions). Fess derives the group's id from it, and users
   * hold that id, so a change **replaces** the group.
   */
  name: pulumi.Input<string>;
  /**
   * Free attributes, authoritative when given: keys not listed are removed.
   * `gidNumber` must be a whole number; `name`, `password`, `roles` and
   * `groups` are refused. Undefined leaves the server's as they are.
   */
  attributes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over an existing group of this name instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and token, when not the stack's `fess:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A Fess group. Id: Fess's id, the URL-safe Base64 of the name.
 *
 * Delete removes the group and, as Fess does, takes it from every user in it.
 */
export class FessGroup extends AccessResource {
  /** The group's name; give it to a {@link FessUser}'s `groups` so the group is created first. */
  declare public readonly name: pulumi.Output<string>;
  /** The group's attributes as the server holds them. */
  declare public readonly attributes: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: FessGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super("fess:Group", name, { ...args }, opts, { outputs: ["attributes"] });
  }
}
