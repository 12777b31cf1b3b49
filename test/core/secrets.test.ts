/**
 * The redaction rules behind the debug log and every error message. A rule
 * that misses one encoding leaks a password into a CI log, so each format
 * our applications use (JSON, forms, queries, Scenari CDM, CDM in a form) is
 * checked with the secret really present in the input.
 */
import { describe, expect, it } from "vitest";
import { BadRequest } from "../../providers/core/errors";
import { isSecretKey, redactBody, redactJson, registerSecret, scrub } from "../../providers/core/secrets";

describe("registerSecret and scrub", () => {
  it("scrubs a registered value wherever it appears, also percent-encoded", () => {
    const secret = "s3cr3t/with?odd&chars";
    registerSecret(secret);
    expect(scrub(`got ${secret} and ${encodeURIComponent(secret)}`)).toBe("got *** and ***");
  });

  it("scrubs a registered value echoed back form-encoded (a space becomes '+', quotes and parentheses are escaped)", () => {
    const secret = "correct horse (battery) it's";
    registerSecret(secret);
    const formEncoded = new URLSearchParams({ password: secret }).toString().slice("password=".length);
    expect(formEncoded).not.toBe(encodeURIComponent(secret));
    expect(scrub(`invalid body: user=bob&password=${formEncoded}`)).not.toContain(formEncoded);
  });

  it("leaves values shorter than 4 characters alone, so ordinary words survive", () => {
    registerSecret("abc");
    expect(scrub("abcdef abc")).toBe("abcdef abc");
  });

  it("ignores undefined and null", () => {
    registerSecret(undefined);
    registerSecret(null);
    expect(scrub("nothing to hide")).toBe("nothing to hide");
  });

  it("scrubs registered values out of error messages, including the server's own words", () => {
    registerSecret("Tr0ub4dor&3-error");
    const error = new BadRequest({
      app: "fess",
      method: "POST",
      path: "/api/admin/user/setting?pw=Tr0ub4dor%263-error",
      status: 400,
      serverMessage: "password Tr0ub4dor&3-error is too weak",
    });
    expect(error.message).not.toContain("Tr0ub4dor");
    expect(error.path).not.toContain("Tr0ub4dor");
    expect(error.serverMessage).toBe("password *** is too weak");
  });
});

describe("isSecretKey", () => {
  it.each([
    "password",
    "Password",
    "passwd",
    "pwd",
    "newPassword",
    "token",
    "access_token",
    "apiToken",
    "client_secret",
    "Authorization",
    "credentials",
  ])("treats %s as secret", (key) => expect(isSecretKey(key)).toBe(true));

  it.each(["username", "user_name", "email", "acronym", "roles"])("treats %s as ordinary", (key) => expect(isSecretKey(key)).toBe(false));
});

describe("redactJson", () => {
  it("masks secret-named fields at any depth, in arrays too, and keeps the rest", () => {
    const value = { user: "bob", password: "p4ss-json", nested: [{ token: "t0k-json", name: "x" }], config: { clientSecret: "c-json" } };
    expect(redactJson(value)).toEqual({
      user: "bob",
      password: "***",
      nested: [{ token: "***", name: "x" }],
      config: { clientSecret: "***" },
    });
    // The input is not modified: the caller still sends the real body.
    expect(value.password).toBe("p4ss-json");
  });
});

describe("redactBody", () => {
  it("masks JSON fields", () => {
    const out = redactBody(JSON.stringify({ user_name: "bob", password: "p4ss-body-json" }));
    expect(out).not.toContain("p4ss-body-json");
    expect(out).toContain('"user_name":"bob"');
  });

  it("masks form fields, also with a percent-encoded key", () => {
    const out = redactBody("username=bob&password=p4ss-form&api%5Ftoken=t0k-form");
    expect(out).toBe("username=bob&password=***&api%5Ftoken=***");
  });

  it("masks query parameters of a URL", () => {
    const out = redactBody("https://fess.example/api/v1/search?q=bob&access_token=t0k-query");
    expect(out).toBe("https://fess.example/api/v1/search?q=bob&access_token=***");
  });

  it("masks a Scenari CDM field, bare or quoted key, and keeps the others", () => {
    expect(redactBody("(account'bob'password'hunter22')")).toBe("(account'bob'password'***')");
    expect(redactBody("('account''bob''password''it''s-secret')")).not.toContain("it''s-secret");
  });

  it("masks a CDM field inside a form field, where Scenari clients put it percent-encoded", () => {
    const form = new URLSearchParams({ cdaction: "CreateUser", createParams: "(account'bob'password'cdm-in-form-pw')" }).toString();
    const out = redactBody(form);
    expect(out).not.toContain("cdm-in-form-pw");
    expect(out).toContain("cdaction=CreateUser");
    expect(decodeURIComponent(out)).toContain("account'bob'");
  });

  it("leaves a form without secrets byte for byte as it was", () => {
    const form = new URLSearchParams({ cdaction: "List", options: "(maxResults!10!firstChars'b')" }).toString();
    expect(redactBody(form)).toBe(form);
  });
});
