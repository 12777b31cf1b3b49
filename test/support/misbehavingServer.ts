/**
 * A local HTTP(S) server that misbehaves on cue, for testing the retry and
 * error wiring of providers/core/http.ts against real sockets rather than a
 * mocked dispatcher: a mock cannot reset a TCP connection after reading a
 * body, so it cannot tell whether the client would replay a create.
 *
 * Each request takes the next scripted answer; when the script is used up the
 * fallback answers (by default a loud 599, so that an unexpected extra request
 * shows up in a test's assertions instead of passing silently).
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  /** 0 for the first request the server received. */
  readonly index: number;
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Undefined when the script reset the connection before reading the body. */
  readonly body: string | undefined;
  /** `Date.now()` when the request's headers arrived. */
  readonly receivedAt: number;
}

export type Answer =
  | {
      readonly do: "reply";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
      /** Wait this long after reading the request before answering. */
      readonly delayMs?: number;
    }
  /** Destroy the socket with a TCP RST, before or after reading the request body. */
  | { readonly do: "reset"; readonly when: "before-body" | "after-body" }
  /** Read the request and never answer; `afterHeaders` sends the status line and headers first, then stalls the body. */
  | { readonly do: "hang"; readonly afterHeaders?: boolean };

export type Script = Answer | ((request: RecordedRequest) => Answer);

/** A reply; an object body is sent as JSON. */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}, delayMs?: number): Answer {
  const isText = typeof body === "string" || body === undefined;
  return {
    do: "reply",
    status,
    headers: isText ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: isText ? (body as string) : JSON.stringify(body) }),
    ...(delayMs === undefined ? {} : { delayMs }),
  };
}

export const resetBeforeBody: Answer = { do: "reset", when: "before-body" };
export const resetAfterBody: Answer = { do: "reset", when: "after-body" };
export const hang: Answer = { do: "hang" };
export const hangAfterHeaders: Answer = { do: "hang", afterHeaders: true };

export interface MisbehavingServer {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests being handled right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Replace the queue of answers. */
  script(...answers: Script[]): void;
  /** What to answer once the queue is empty. */
  otherwise(answer: Script): void;
  /** Forget recorded requests and the in-flight high-water mark. */
  reset(): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** PEM key and certificate: serve https instead of http. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Listen on this port instead of a free one (to bring up a server where a client was refused). */
  readonly port?: number;
}

const UNSCRIPTED: Answer = reply(599, { message: "unscripted request: the test did not expect it" });

export async function startMisbehavingServer(options: ServerOptions = {}): Promise<MisbehavingServer> {
  const requests: RecordedRequest[] = [];
  let queue: Script[] = [];
  let fallback: Script = UNSCRIPTED;
  let inFlight = 0;
  let maxInFlight = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = Date.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.on("close", finish);
    req.socket.on("close", finish);

    const index = requests.length;
    const base = { index, method: req.method ?? "", path: req.url ?? "", headers: req.headers, receivedAt };
    const next = queue.length ? queue.shift()! : fallback;

    // A reset before reading must decide before the body is consumed, so a
    // function script sees the request without its body in that case only.
    if (typeof next !== "function" && next.do === "reset" && next.when === "before-body") {
      requests.push({ ...base, body: undefined });
      req.socket.resetAndDestroy();
      return;
    }

    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = { ...base, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const answer = typeof next === "function" ? next(recorded) : next;
      act(answer, req, res);
    });
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script(...answers) {
      queue = [...answers];
    },
    otherwise(answer) {
      fallback = answer;
    },
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    close() {
      // Hanging requests keep their sockets open; without this close() would wait for them forever.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function act(answer: Answer, req: IncomingMessage, res: ServerResponse): void {
  switch (answer.do) {
    case "reset":
      req.socket.resetAndDestroy();
      return;
    case "hang":
      if (answer.afterHeaders) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write("{");
      }
      return;
    case "reply": {
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { ...answer.headers });
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
      return;
    }
  }
}

/** A port on which nothing listens: bound once by us, then released. */
export async function freePort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
