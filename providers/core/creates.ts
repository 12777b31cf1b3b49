/**
 * Within a run, a create never succeeds twice for one server object. Two
 * resources of a program can name one object (a copied block, two modules);
 * ScoDoc, dRofus and Scenari refuse the second create, but Fess's create is
 * an upsert: both would report "created", the server would hold one object
 * with the last one's values, and removing either resource later would
 * delete what the other declares. So creates of one object (its kind,
 * server and natural key) run one at a time, and once one has made or
 * adopted it, the next fails naming both resources.
 *
 * @internal
 */
import { InvalidInput, type AppName } from "./errors";

interface Claim {
  /** The Pulumi name of the resource whose create holds the object. */
  readonly name: string | undefined;
  /** True once that create made or adopted the object, false when it failed without. */
  readonly settled: Promise<boolean>;
}

const claims = new Map<string, Claim>();
/** The object each successful claim made or adopted, as [kind, server, id], to its claim's key. */
const claimedObjects = new Map<string, string>();

function objectKey(kind: string, serverUrl: string, id: string): string {
  return JSON.stringify([kind, serverUrl, id]);
}

function quoted(name: string | undefined): string {
  return name === undefined ? "another resource" : `resource "${name}"`;
}

/** What {@link createOnce} needs to know of one create. */
export interface CreateClaim {
  readonly app: AppName;
  readonly kind: string;
  /** The canonical server URL. */
  readonly serverUrl: string;
  /** The object as a human names it, its natural key: `user alice`. */
  readonly object: string;
  /** The resource's Pulumi name, when known. */
  readonly name: string | undefined;
  /** When the create failed: the id of what it had made before (a later step failed), if anything. */
  made(): string | undefined;
}

/**
 * Run `create` for one object, after any earlier create of it in this run;
 * refuse it when an earlier one made or adopted the object and it was not
 * deleted (or found gone) since.
 */
export async function createOnce<T extends { readonly id: string }>(claim: CreateClaim, create: () => Promise<T>): Promise<T> {
  const { app, object, name } = claim;
  const key = JSON.stringify([claim.kind, claim.serverUrl, object]);
  for (let earlier = claims.get(key); earlier; earlier = claims.get(key)) {
    // The same resource creating again is its own replacement (which may adopt the object it replaces); a create
    // whose resource is not named (a caller other than the resource classes) cannot be told apart, and is let be.
    const another = name !== undefined && earlier.name !== undefined && earlier.name !== name;
    if ((await earlier.settled) && another) {
      throw new InvalidInput(
        app,
        `${quoted(name)} cannot create ${object}: ${quoted(earlier.name)} of this stack made or adopted it in this run, and one object has one owner`,
        "declare the object once: remove one of the two resources, or give one another natural key",
      );
    }
    if (claims.get(key) === earlier) claims.delete(key);
    if (!another) break;
  }
  let settle!: (made: boolean) => void;
  claims.set(key, { name, settled: new Promise<boolean>((resolve) => (settle = resolve)) });
  let id: string | undefined;
  try {
    const result = await create();
    id = result.id;
    return result;
  } catch (error) {
    id = claim.made();
    throw error;
  } finally {
    if (id === undefined) claims.delete(key);
    else claimedObjects.set(objectKey(claim.kind, claim.serverUrl, id), key);
    settle(id !== undefined);
  }
}

/** The object is no more (deleted, or read as gone): a later create of it in this run is a new object's. */
export function released(kind: string, serverUrl: string, id: string): void {
  const object = objectKey(kind, serverUrl, id);
  const key = claimedObjects.get(object);
  if (key === undefined) return;
  claimedObjects.delete(object);
  claims.delete(key);
}
