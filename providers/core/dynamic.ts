/**
 * The bridge to Pulumi. The provider object handed to `dynamic.Resource` is
 * serialized into every resource's state and run from there for refresh and
 * delete, so it captures nothing but a kind string: each method loads the
 * installed package's runtime by name when it runs. An upgrade of the package
 * therefore applies to existing resources, delete included, and no credential
 * or client object can leak into the state.
 */
import * as pulumi from "@pulumi/pulumi";

const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

/*
 * The text this serializes to is stored in every resource's state, must stay
 * under 2 KB and must never change (a new text would show as a change of
 * every resource), so its shape is fixed: all seven methods written out from
 * day one, one shared closure over the kind, and methods named by their index
 * in the runtime's append-only METHODS list.
 */
// biome-ignore format: Pulumi serializes this function's text into every resource's state, byte for byte.
function shim(kind: string): pulumi.dynamic.ResourceProvider {
  // One-letter names: each byte here is stored in every resource's state.
  const r = (m: number, a: unknown[]) => require("pulumi-access-as-code/runtime").dispatch(kind, m, a);
  return {
    configure: (...a) => r(0, a),
    check: (...a) => r(1, a),
    diff: (...a) => r(2, a),
    create: (...a) => r(3, a),
    read: (...a) => r(4, a),
    update: (...a) => r(5, a),
    delete: (...a) => r(6, a),
  };
}

/** One provider object per kind, so Pulumi serializes each kind once per program (#6704). */
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    provider = shim(kind);
    providers.set(kind, provider);
  }
  return provider;
}

/**
 * The base of every resource class: sets the type token
 * `pulumi-nodejs:dynamic/<app>:<Type>`, marks credentials and write-only
 * inputs secret, and declares which outputs are secret.
 */
export abstract class AccessResource extends pulumi.dynamic.Resource {
  /** The version of the outputs' shape; the runtime reads every earlier one. */
  declare public readonly schemaVersion: pulumi.Output<number>;

  protected constructor(
    kind: string,
    name: string,
    props: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions | undefined,
    options: { secretInputs?: readonly string[]; outputs: readonly string[] },
  ) {
    const [module, type] = kind.split(":") as [string, string];
    const wrapped: Record<string, unknown> = { ...props };
    for (const key of ["connection", ...(options.secretInputs ?? [])]) {
      if (wrapped[key] !== undefined) wrapped[key] = pulumi.secret(wrapped[key]);
    }
    for (const key of ["schemaVersion", "serverUrl", ...options.outputs]) {
      if (!(key in wrapped)) wrapped[key] = undefined;
    }
    // The provider never sees the resource's URN: its name lets a refused create name both resources that claim one object.
    wrapped.__resourceName = name;
    const secretOutputs = ["connection", ...(options.secretInputs ?? []).map((k) => `${k}Digest`)];
    super(providerFor(kind), name, wrapped, mergeSecretOutputs(opts, secretOutputs), module, type);
  }
}

function mergeSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: readonly string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])] };
}
