import { describe, expect, it } from "vitest";
import { errorMessage } from "../events/index.js";
import { encodeServerMessage } from "./websocket.js";

describe("server messages", () => {
  it("encodes error messages without absent ids", () => {
    expect(JSON.parse(encodeServerMessage(errorMessage("run_not_found", "no such run")))).toEqual({
      type: "error",
      code: "run_not_found",
      message: "no such run",
    });
  });
});
