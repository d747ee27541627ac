/** The shape of a thread id, shared by the runs and threads wire shapes. */
import { z } from "zod";

/**
 * A thread id: the AI SDK chat `id` or any client-chosen name. Unknown ids start a new thread;
 * absurd ones are refused.
 */
export const threadIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/,
    "threadId must be 1 to 200 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
  );
