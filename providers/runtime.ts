/**
 * The one module the serialized provider loads, by package name, at run
 * time: `require("pulumi-access-as-code/runtime").dispatch(kind, method, args)`.
 * Kinds are stable names stored in users' states: never rename or remove one.
 *
 * @module pulumi-access-as-code/runtime
 */
import { setStackConfig, type StackConfig } from "./core/connection";
import { providerMethods, type AnySpec } from "./core/spec";

type Methods = ReturnType<typeof providerMethods>;

const specs: Record<string, () => AnySpec> = {
  "scodoc:Departement": () => require("./scodoc/departement").departementSpec,
  "scodoc:Role": () => require("./scodoc/role").roleSpec,
  "scodoc:User": () => require("./scodoc/user").userSpec,
  "fess:Role": () => require("./fess/role").roleSpec,
  "fess:Group": () => require("./fess/group").groupSpec,
  "fess:User": () => require("./fess/user").userSpec,
  "drofus:Project": () => require("./drofus/project").projectSpec,
  "drofus:ProjectUser": () => require("./drofus/projectUser").projectUserSpec,
  "scenari:Workspace": () => require("./scenari/workspace").workspaceSpec,
  "scenari:User": () => require("./scenari/user").userSpec,
  "scenari:Group": () => require("./scenari/group").groupSpec,
};

const loaded = new Map<string, Methods>();

function methodsFor(kind: string): Methods {
  let methods = loaded.get(kind);
  if (!methods) {
    const load = specs[kind];
    if (!load) {
      throw new Error(
        `unknown resource kind ${kind}: the state was written by another version of pulumi-access-as-code; install that version or a newer one`,
      );
    }
    methods = providerMethods(load());
    loaded.set(kind, methods);
  }
  return methods;
}

/** The kinds this version knows. */
export function kinds(): string[] {
  return Object.keys(specs);
}

/**
 * The serialized shim names methods by their index here (see core/dynamic.ts):
 * append only, never reorder.
 */
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

/**
 * Run one provider method for one resource kind: what the serialized shim
 * stored in each resource's state calls.
 *
 * @param kind - the resource kind, e.g. `scodoc:User`
 * @param index - the method's position in the append-only method list
 * @param args - the arguments the Pulumi engine passed to the method
 */
export async function dispatch(kind: string, index: number, args: unknown[]): Promise<unknown> {
  const method = METHODS[index];
  if (method === "configure") {
    // Kept synchronous up to here: the engine may call other methods before configure's promise settles.
    setStackConfig((args[0] as { config?: StackConfig } | undefined)?.config);
    return undefined;
  }
  const methods = methodsFor(kind);
  const fn = method && (methods as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  if (!method || !fn) throw new Error(`pulumi-access-as-code runtime: no method #${index}; the state was written by a newer version`);
  return fn(...args);
}
