/**
 * Drives the real Pulumi dynamic-provider gRPC server (the process the engine
 * starts for `pulumi-nodejs` resources) with requests shaped exactly as the
 * engine sends them, and the `__provider` text a program really serializes.
 * This covers the engine's path without the CLI: state round-trips through
 * protobuf Structs, `__provider` merging, check failures, init-failed errors.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const grpc = require("@grpc/grpc-js");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const pb = require("@pulumi/pulumi/proto/provider_pb.js");
const statusPb = require("@pulumi/pulumi/proto/status_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");

export type Props = Record<string, unknown>;

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The engine's view of a failed create that left an object behind. */
export class InitFailed extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

export class RpcError extends Error {}

/** The serialized provider texts, one per resource kind, from constructing each class once. */
export function serializeProviders(samples: Record<string, Props>): Record<string, string> {
  const out = execFileSync(process.execPath, [resolve(__dirname, "serialize-providers.js"), JSON.stringify(samples)], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out) as Record<string, string>;
}

export class ProviderProcess {
  #child: ChildProcess;
  #client: { [method: string]: (req: unknown, cb: (err: unknown, res: unknown) => void) => void; close(): void };
  stderr = "";

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.#client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  /** Start the provider host with the program directory as cwd, as the engine does. */
  static async start(env: NodeJS.ProcessEnv = {}): Promise<ProviderProcess> {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [ROOT] }), "engine-not-used"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<number>((resolvePort, reject) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolvePort(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`dynamic provider exited with ${code}`)));
    });
    return new ProviderProcess(child, port);
  }

  async stop(): Promise<void> {
    this.#client.close();
    this.#child.kill();
    await new Promise((r) => this.#child.once("exit", r));
  }

  #call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolveCall, reject) => {
      this.#client[method]!(req, (err: unknown, res: unknown) => (err ? reject(toError(err)) : resolveCall(res as T)));
    });
  }

  async configure(config: Record<string, string>): Promise<void> {
    const req = new pb.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config));
    await this.#call("configure", req);
  }

  async check(olds: Props, news: Props): Promise<CheckResult> {
    const req = new pb.CheckRequest();
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.#call<{
      getInputs(): { toJavaScript(): Props };
      getFailuresList(): { getProperty(): string; getReason(): string }[];
    }>("check", req);
    return {
      inputs: res.getInputs().toJavaScript(),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, olds: Props, news: Props): Promise<DiffResult> {
    const req = new pb.DiffRequest();
    req.setId(id);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.#call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>("diff", req);
    const changes = ({ 0: "unknown", 1: "none", 2: "some" } as const)[res.getChanges() as 0 | 1 | 2];
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(props: Props): Promise<{ id: string; outputs: Props }> {
    const req = new pb.CreateRequest();
    req.setProperties(Struct.fromJavaScript(props));
    const res = await this.#call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>("create", req);
    return { id: res.getId(), outputs: res.getProperties().toJavaScript() };
  }

  async read(id: string, props: Props): Promise<{ id: string; outputs: Props; inputs: Props | undefined }> {
    const req = new pb.ReadRequest();
    req.setId(id);
    req.setProperties(Struct.fromJavaScript(props));
    const res = await this.#call<{
      getId(): string;
      getProperties(): { toJavaScript(): Props };
      getInputs(): { toJavaScript(): Props } | undefined;
    }>("read", req);
    return { id: res.getId(), outputs: res.getProperties().toJavaScript(), inputs: res.getInputs()?.toJavaScript() };
  }

  async update(id: string, olds: Props, news: Props): Promise<Props> {
    const req = new pb.UpdateRequest();
    req.setId(id);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.#call<{ getProperties(): { toJavaScript(): Props } }>("update", req);
    return res.getProperties().toJavaScript();
  }

  async delete(id: string, props: Props): Promise<void> {
    const req = new pb.DeleteRequest();
    req.setId(id);
    req.setProperties(Struct.fromJavaScript(props));
    await this.#call("delete", req);
  }
}

function toError(err: unknown): Error {
  const e = err as { details?: string; message?: string; metadata?: { get(key: string): Buffer[] } };
  const message = e.details ?? e.message ?? String(err);
  const bin = e.metadata?.get("grpc-status-details-bin")?.[0];
  if (bin) {
    const status = statusPb.Status.deserializeBinary(bin);
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const detail = pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return new InitFailed(message, detail.getId(), detail.getProperties()?.toJavaScript() ?? {}, detail.getReasonsList());
      }
    }
  }
  return new RpcError(message);
}

/** One resource's slice of a state file, as the engine keeps it between runs. */
export interface ResourceState {
  kind: string;
  id: string;
  inputs: Props;
  outputs: Props;
}

export type Operation = "create" | "update" | "replace" | "same";

export class CheckFailed extends Error {
  constructor(readonly failures: CheckResult["failures"]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
  }
}

/**
 * The engine's step logic for one resource, reduced to what dynamic providers
 * see: check, then diff against the stored outputs, then create, update, or
 * replace (create first unless deleteBeforeReplace), or nothing.
 */
export class MiniEngine {
  constructor(
    readonly provider: ProviderProcess,
    readonly texts: Record<string, string>,
  ) {}

  #withProvider(kind: string, props: Props): Props {
    const text = this.texts[kind];
    if (!text) throw new Error(`no serialized provider for ${kind}`);
    return { ...props, __provider: text };
  }

  async up(kind: string, inputs: Props, prior?: ResourceState): Promise<{ state: ResourceState; op: Operation }> {
    const checked = await this.provider.check(prior?.inputs ?? {}, this.#withProvider(kind, inputs));
    if (checked.failures.length > 0) throw new CheckFailed(checked.failures);
    if (!prior) {
      const made = await this.provider.create(checked.inputs);
      return { state: { kind, id: made.id, inputs: checked.inputs, outputs: made.outputs }, op: "create" };
    }
    const diff = await this.provider.diff(prior.id, prior.outputs, checked.inputs);
    if (diff.changes === "none") return { state: { ...prior, inputs: checked.inputs }, op: "same" };
    if (diff.replaces.length > 0) {
      if (diff.deleteBeforeReplace) await this.provider.delete(prior.id, prior.outputs);
      const made = await this.provider.create(checked.inputs);
      if (!diff.deleteBeforeReplace) await this.provider.delete(prior.id, prior.outputs);
      return { state: { kind, id: made.id, inputs: checked.inputs, outputs: made.outputs }, op: "replace" };
    }
    const outputs = await this.provider.update(prior.id, prior.outputs, checked.inputs);
    return { state: { kind, id: prior.id, inputs: checked.inputs, outputs }, op: "update" };
  }

  /** What `pulumi preview` asks of a dynamic provider: check and diff only. */
  async preview(kind: string, inputs: Props, prior?: ResourceState): Promise<Operation | "create"> {
    const checked = await this.provider.check(prior?.inputs ?? {}, this.#withProvider(kind, inputs));
    if (checked.failures.length > 0) throw new CheckFailed(checked.failures);
    if (!prior) return "create";
    const diff = await this.provider.diff(prior.id, prior.outputs, checked.inputs);
    if (diff.changes === "none") return "same";
    return diff.replaces.length > 0 ? "replace" : "update";
  }

  async refresh(state: ResourceState): Promise<ResourceState | undefined> {
    const read = await this.provider.read(state.id, state.outputs);
    if (!read.id) return undefined;
    return { ...state, outputs: read.outputs, inputs: read.inputs ? { ...read.inputs } : state.inputs };
  }

  async destroy(state: ResourceState): Promise<void> {
    await this.provider.delete(state.id, state.outputs);
  }
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  throw new Error("expected a failure, but the operation succeeded");
}
