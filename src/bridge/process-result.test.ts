import { describe, expect, it } from "vitest";
import { processError, resultFromStdout } from "./process-result.js";

describe("resultFromStdout", () => {
  it("takes result, output or raw from JSON, in that order", () => {
    expect(resultFromStdout('{"raw":"r","output":"o"}\n')).toBe("o");
    expect(resultFromStdout('{"raw":"r"}')).toBe("r");
    expect(resultFromStdout('{"result":"x","raw":"r"}')).toBe("x");
  });

  it("answers a JSON string's value, other JSON as text, and plain text trimmed", () => {
    expect(resultFromStdout('"quoted"')).toBe("quoted");
    expect(resultFromStdout('{"score": 3}')).toBe('{"score": 3}');
    expect(resultFromStdout("\n  # Report\n\nBody  \n")).toBe("# Report\n\nBody");
    expect(resultFromStdout("")).toBe("");
  });
});

describe("processError", () => {
  it("quotes the exit code and the stderr tail, cutting very long lines", () => {
    const error = processError(["python3", "run.py"], { code: 2, signal: null, stdout: "" }, [
      "boom",
      "x".repeat(600),
    ]);
    expect(error.code).toBe("process_failed");
    expect(error.message).toContain("(python3 run.py) exited with code 2");
    expect(error.message).toContain(`boom\n${"x".repeat(500)}…`);
  });

  it("says when stderr was empty", () => {
    expect(processError(["prog"], { code: 1, signal: null, stdout: "" }, []).message).toContain(
      "It wrote nothing on stderr.",
    );
  });
});
