/**
 * What ScenariUser and ScenariGroup share: users and groups are accounts of
 * one namespace on the server, read and written by the same service, and an
 * account name taken by the other kind is the clash a user must be told
 * about in so many words.
 */
import { Conflict, InvalidInput } from "../core/errors";
import type { CdmValue } from "./cdm";
import type { AccountType, ScenariAccountRecord, ScenariClient } from "./client";

export type Props = { [key: string]: CdmValue | undefined };

/** The type of an account the server describes; a record without `userType` is a user, the server's default. */
export function typeOf(record: ScenariAccountRecord): AccountType {
  return record.userType ?? "user";
}

function clash(account: string, wanted: AccountType): InvalidInput {
  const other = wanted === "user" ? "group" : "user";
  return new InvalidInput(
    "scenari",
    `account ${account} is a ${other} on the server, so it cannot be a ${wanted}`,
    "users and groups share one namespace of accounts: choose another account name",
  );
}

/**
 * The account of this type, or undefined when the server has none by that
 * name. One of the other type is a clash: an error, since adopting it, or
 * creating over it, cannot work.
 */
export async function findAccount(client: ScenariClient, type: AccountType, account: string): Promise<ScenariAccountRecord | undefined> {
  const record = await client.account(account);
  if (record && typeOf(record) !== type) throw clash(account, type);
  return record;
}

/**
 * The live account of this type, or undefined when it is gone (or is now an
 * account of the other type). A refresh reads it from the list shared by the
 * process; everything else asks the server for it alone.
 */
export async function readAccount(
  client: ScenariClient,
  type: AccountType,
  account: string,
  forRefresh = false,
): Promise<ScenariAccountRecord | undefined> {
  const record = await (forRefresh ? client.accountForRefresh(account) : client.account(account));
  return record && typeOf(record) === type ? record : undefined;
}

/**
 * A create refused for a conflict: say so plainly when the name belongs to
 * an account of the other type. A conflict on a nick name, or with an
 * account of the same type, is left to the caller (the spec machinery then
 * says "already exists" and names `adopt`).
 */
export async function explainConflict(client: ScenariClient, type: AccountType, account: string, error: unknown): Promise<unknown> {
  if (!(error instanceof Conflict)) return error;
  const record = await client.account(account).catch(() => undefined);
  return record && typeOf(record) !== type ? clash(account, type) : error;
}

/** Text as a state records it: the server leaves out what is not set. */
export function textOf(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}

/** A list as a state records it: a set, sorted. */
export function setOf(values: readonly string[] | null | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}

/** An empty string in a program clears the prop: the server reads null as "not set". */
export function textProp(value: string | undefined): string | null | undefined {
  return value === "" ? null : value;
}

/** The fields of `input` named in `changed` (all of them when `changed` is undefined), mapped to the server's props. */
export function propsOf<F extends string>(
  fields: readonly F[],
  only: ReadonlySet<string> | undefined,
  value: (field: F) => CdmValue | undefined,
  name: (field: F) => string = (f) => f,
): Props {
  const props: Props = {};
  for (const field of fields) {
    if (only && !only.has(field)) continue;
    const v = value(field);
    if (v !== undefined) props[name(field)] = v;
  }
  return props;
}
