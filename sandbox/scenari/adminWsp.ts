/**
 * `adminWsp`: listing, reading, creating, changing, trashing, restoring and
 * purging workspaces.
 */
import { z } from "zod";
import type { Reply } from "../core/router";
import { badRequest, type CallParams, EMPTY_OK, jsonReply, ScenariHttpError, xmlReply } from "./http";
import { PUT_BODY, READ, WRITE, type Call, type Service } from "./service";
import type { StoredWsp } from "./state";
import { createWsp, findWsp, renderInfoWsp, renderWspInList, requireWsp, updateWspProps, wspProvider } from "./workspaces";
import { resolveWspType, type ResolvedWspType } from "./wspTypes";

export const adminWsp: Service = {
  adminOnly: true,
  actions: {
    List: { methods: READ, run: (call) => list(call, (wsp) => !wsp.trashed) },
    ListTrash: { methods: READ, run: (call) => list(call, (wsp) => wsp.trashed === true) },
    InfoWsp: {
      methods: READ,
      run(call) {
        const wsp = findWsp(call.state, call.params.required("param"));
        // Which extra props to compute is of no consequence here, but the CDM must still be well formed.
        call.params.cdm("wspPropsOpts");
        // Not an error: clients test `status` to decide whether to create.
        if (!wsp) return jsonReply({ status: "noWsp" });
        return jsonReply(renderInfoWsp(call.state, wsp, { caller: call.caller, fields: srcFieldNames(call.params) }));
      },
    },
    CreateWsp: {
      methods: PUT_BODY,
      run(call) {
        const type = wspTypeOf(call);
        const wsp = createWsp(call.state, call.params.cdm("createParams"), type, call.now);
        call.state.wsps.push(wsp);
        return info(call, wsp);
      },
    },
    UpdateWspProps: {
      methods: WRITE,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        updateWspProps(call.state, wsp, call.params.cdm("updateParams"), call.now);
        return info(call, wsp);
      },
    },
    UpdateWspType: { methods: PUT_BODY, run: changeType },
    // No content to migrate here: the migration is instantaneous, so `status` is never `loading`.
    MigrateUpdateWspType: { methods: PUT_BODY, run: changeType },
    IsMigrationNeeded: {
      methods: PUT_BODY,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        const type = wspTypeOf(call).wspType;
        // INFERRED: another model, or another major version of it, needs its content migrated.
        const major = (version: string | undefined) => (version ?? "0").split(".")[0];
        const needed = type.key !== wsp.wspType.key || major(type.version) !== major(wsp.wspType.version);
        return xmlReply(needed ? "<migrationNeeded/>" : "<noMigrationNeeded/>");
      },
    },
    DeleteWsp: {
      methods: WRITE,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        deleteParamsOf(call);
        // A database keeps it in the trash; a file system forgets it (its folders are left on disk).
        if (call.state.backEnd === "fs") call.state.wsps = call.state.wsps.filter((w) => w !== wsp);
        else if (!wsp.trashed) {
          wsp.trashed = true;
          wsp.modifiedAt = call.now;
        }
        return EMPTY_OK;
      },
    },
    RestoreWsp: {
      methods: WRITE,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        if (!wsp.trashed) throw badRequest(`Workspace '${wsp.wspCd}' is not in the trash`);
        delete wsp.trashed;
        wsp.modifiedAt = call.now;
        return EMPTY_OK;
      },
    },
    DeletePermanentlyWsp: {
      methods: WRITE,
      run(call) {
        const wsp = requireWsp(call.state, call.params.required("param"));
        deleteParamsOf(call);
        call.state.wsps = call.state.wsps.filter((w) => w !== wsp);
        return EMPTY_OK;
      },
    },
    CreateWspImport: { methods: ["PUT", "POST"], run: notModelled("importing a .scwsp archive") },
    ExportAssignedRoles: { methods: READ, run: notModelled("exporting assigned roles") },
  },
};

function list(call: Call, keep: (wsp: StoredWsp) => boolean): Reply {
  const fields = srcFieldNames(call.params);
  const withSpecifiedRoles = call.params.flag("withWspSrcSpecifiedRoles") ?? false;
  return jsonReply({
    wspProvider: wspProvider(call.state),
    wsps: call.state.wsps.filter(keep).map((wsp) => renderWspInList(call.state, wsp, { caller: call.caller, fields, withSpecifiedRoles })),
  });
}

function info(call: Call, wsp: StoredWsp): Reply {
  return jsonReply(renderInfoWsp(call.state, wsp, { caller: call.caller }));
}

function changeType(call: Call): Reply {
  const wsp = requireWsp(call.state, call.params.required("param"));
  const type = wspTypeOf(call);
  wsp.wspType = type.wspType;
  wsp.wspOptions = type.wspOptions;
  wsp.modifiedAt = call.now;
  return info(call, wsp);
}

/** `fields` is joined with `*` for workspaces (`srcRoles*srcRi*srcDt*srcSt`). */
function srcFieldNames(params: CallParams): string[] {
  return params
    .getAll("fields")
    .flatMap((f) => f.split("*"))
    .filter((f) => f !== "");
}

function wspTypeOf(call: Call): ResolvedWspType {
  const body = call.ctx.text();
  if (body.trim() === "") throw badRequest("The request body must be a <wspType> element");
  return resolveWspType(body, call.state.wspTypeDefs, call.params.flag("normaliseWspType") ?? true);
}

const DeleteParams = z.object({ deleteGen: z.boolean().optional(), deleteContent: z.boolean().optional() });

/** Checked for shape only: generated files and FS content are not modelled. */
function deleteParamsOf(call: Call): void {
  const raw = call.params.cdm("deleteParams");
  if (raw === undefined) return;
  if (!DeleteParams.safeParse(raw).success) throw badRequest("Parameter 'deleteParams' must be (deleteGen!T!|!F! [deleteContent…])");
}

function notModelled(what: string): (call: Call) => Reply {
  return () => {
    throw new ScenariHttpError(501, `The sandbox does not model ${what}`);
  };
}
