import type { Reply } from "../core/router";
import type { Call } from "./endpoint";
import { bodyParams, json, locationOf, notFound, own, permit, requireParam, unprocessable } from "./rails";
import { OWNER_COLUMNS, renderOwner } from "./render";
import type { DrofusState, OwnerRecord } from "./state";
import { BLANK, castString, Errors, isBlank, parseId } from "./validation";

/** `/owners`: list, show and create; the documentation shows no update or delete. */

/** Every column but the id and the image (an upload, which JSON cannot carry). */
const WRITABLE = ["address", "billing_address", "contact", "name", "network", "note", "tech_contact"] as const;

export function findOwner(state: DrofusState, id: number | undefined): OwnerRecord | undefined {
  return id === undefined ? undefined : state.owners.find((o) => o.id === id);
}

export function listOwners({ state }: Call): Reply {
  return json(200, state.owners.map(renderOwner));
}

export function showOwner({ state, id }: Call): Reply {
  const owner = findOwner(state, parseId(id));
  return owner ? json(200, renderOwner(owner)) : notFound();
}

export function createOwner({ ctx, state }: Call): Reply {
  const params = permit(requireParam(bodyParams(ctx, "owner", OWNER_COLUMNS), "owner"), WRITABLE);
  const errors = new Errors();
  if (isBlank(own(params, "name"))) errors.add("name", BLANK);
  if (errors.any) return unprocessable(errors.toJSON());

  const owner: OwnerRecord = {
    id: state.nextOwnerId++,
    name: String(own(params, "name")),
    address: castString(own(params, "address")),
    billing_address: castString(own(params, "billing_address")),
    contact: castString(own(params, "contact")),
    image: null,
    network: castString(own(params, "network")),
    note: castString(own(params, "note")),
    tech_contact: castString(own(params, "tech_contact")),
  };
  state.owners.push(owner);
  return json(201, renderOwner(owner), { location: locationOf(ctx, `/owners/${owner.id}`) });
}
