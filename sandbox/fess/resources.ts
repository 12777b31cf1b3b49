import type { CreateBody, FormShape } from "./bodies";
import { FessApiError, FessMessages } from "./envelope";
import { hashPassword, type FessNamedRecord, type FessState, type FessUserRecord } from "./state";

/** What differs between `/api/admin/role`, `/group` and `/user`. */
export interface FessResource {
  readonly path: "role" | "group" | "user";
  readonly form: FormShape;
  /**
   * Attribute keys that would overwrite a real field of the stored document
   * (attributes are merged into `_source` after it). Fess takes them; the
   * sandbox refuses them, as the reference advises.
   */
  readonly reservedAttributes: readonly string[];
  /** Attributes the index maps as `long`: a value OpenSearch cannot coerce fails the store. */
  readonly longAttributes: readonly string[];
  /** Which writes run `LdapManager#validate{Group,User}Attributes` on {@link longAttributes} first. */
  readonly validatesLongOn: readonly ("create" | "edit")[];
  /** The user field that holds this resource's ids, stripped when one is deleted. */
  readonly membership: "roles" | "groups" | undefined;
}

export const FESS_RESOURCES: readonly FessResource[] = [
  { path: "role", form: "named", reservedAttributes: ["name"], longAttributes: [], validatesLongOn: [], membership: "roles" },
  {
    path: "group",
    form: "named",
    reservedAttributes: ["name"],
    longAttributes: ["gidNumber"],
    validatesLongOn: ["create", "edit"],
    membership: "groups",
  },
  {
    path: "user",
    form: "user",
    reservedAttributes: ["name", "password", "roles", "groups"],
    longAttributes: ["uidNumber", "gidNumber"],
    // Only the update path of the API calls validateAttributes for users.
    validatesLongOn: ["edit"],
    membership: undefined,
  },
];

export type AnyRecord = FessNamedRecord | FessUserRecord;

export function recordsOf(state: FessState, resource: FessResource): Record<string, AnyRecord> {
  switch (resource.path) {
    case "role":
      return state.roles;
    case "group":
      return state.groups;
    case "user":
      return state.users;
  }
}

/** Checks that run before Fess looks the record up, in Fess's order. */
export function checkAttributes(resource: FessResource, mode: "create" | "edit", attributes: Readonly<Record<string, string>>): void {
  const reserved = resource.reservedAttributes.filter((key) => Object.hasOwn(attributes, key));
  if (reserved.length > 0) {
    throw FessApiError.validation(...reserved.map((key) => FessMessages.invalidStrIsIncluded("attributes", key)));
  }
  if (!resource.validatesLongOn.includes(mode)) return;
  for (const key of resource.longAttributes) {
    const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    // The first bad attribute throws, so only one is ever reported.
    if (value !== undefined && value.trim() !== "" && !isDbfluteLong(value)) {
      throw FessApiError.validation(FessMessages.propertyTypeLong(`attributes.${key}`));
    }
  }
}

/**
 * The record a create or an edit stores. PUT replaces the whole document: what
 * the body leaves out is gone, except a user's password, which a blank value
 * keeps. A create always hashes the password, and hashing a missing one is the
 * NullPointerException that makes Fess answer 500.
 */
export function buildRecord(resource: FessResource, body: CreateBody, previous: AnyRecord | undefined): AnyRecord {
  const named: FessNamedRecord = { name: body.name, attributes: { ...body.attributes } };
  if (resource.path !== "user") return named;
  let passwordHash: string;
  if (previous === undefined || (body.password !== undefined && body.password.trim() !== "")) {
    if (body.password === undefined) throw FessApiError.systemError();
    passwordHash = hashPassword(body.password);
  } else {
    passwordHash = "passwordHash" in previous ? previous.passwordHash : hashPassword("");
  }
  return {
    ...named,
    passwordHash,
    ...(body.roles ? { roles: [...body.roles] } : {}),
    ...(body.groups ? { groups: [...body.groups] } : {}),
  };
}

/** OpenSearch's mapping: a `long` field that cannot take the value fails the index request. */
export function checkStorable(resource: FessResource, id: string, record: AnyRecord, mode: "create" | "edit"): void {
  for (const key of resource.longAttributes) {
    const value = Object.hasOwn(record.attributes, key) ? record.attributes[key] : undefined;
    if (value === undefined || value.trim() === "" || isOpenSearchLong(value)) continue;
    const detail = `failed to parse field [${key}] of type [long] in document with id '${id}'. Preview of field's value: '${value}'`;
    throw FessApiError.validation(mode === "create" ? FessMessages.failedToCreate(detail) : FessMessages.failedToUpdate(detail));
  }
}

/** The API's view of a record: `EditBody` copied from the entity, nulls (password) left out. */
export function toSetting(id: string, record: AnyRecord): Record<string, unknown> {
  // Never read with version=true, so every hit has version -1.
  const setting: Record<string, unknown> = { id, version_no: -1, name: record.name, attributes: { ...record.attributes } };
  if ("passwordHash" in record) {
    if (record.roles) setting.roles = [...record.roles];
    if (record.groups) setting.groups = [...record.groups];
  }
  return setting;
}

/** `RoleService`/`GroupService#delete`: the id leaves every user that held it. */
export function stripMembership(state: FessState, resource: FessResource, id: string): void {
  const field = resource.membership;
  if (!field) return;
  for (const user of Object.values(state.users)) {
    const ids = user[field];
    if (ids?.includes(id)) user[field] = ids.filter((held) => held !== id);
  }
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** `DfTypeUtil.toLong`: grouping commas dropped, then `Long.valueOf`. */
function isDbfluteLong(value: string): boolean {
  const normalized = value.replaceAll(",", "");
  return /^[+-]?\d+$/.test(normalized) && inLongRange(BigInt(normalized));
}

/** `long` with `coerce: true`: an integer, or a decimal string truncated toward zero. */
function isOpenSearchLong(value: string): boolean {
  if (/^[+-]?\d+$/.test(value)) return inLongRange(BigInt(value));
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return false;
  const truncated = Math.trunc(Number(value));
  return Number.isFinite(truncated) && inLongRange(BigInt(truncated));
}

function inLongRange(value: bigint): boolean {
  return value >= LONG_MIN && value <= LONG_MAX;
}
