/**
 * The demo stack (`npm run demo` runs it against local sandboxes): the
 * access configuration of an IUT's applications, one module per application.
 * Servers and credentials come from the stack config (`scodoc:url`, ...).
 */
import * as pulumi from "@pulumi/pulumi";
import { drofus } from "./drofus";
import { fess } from "./fess";
import { scenari } from "./scenari";
import { scodoc } from "./scodoc";

const config = new pulumi.Config();

export const scodocOutputs = scodoc(config);
export const drofusOutputs = drofus();
export const scenariOutputs = scenari(config);
export const fessOutputs = fess(config);
