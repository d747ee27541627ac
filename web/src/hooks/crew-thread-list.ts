/**
 * The server's threads (`/api/threads`) as assistant-ui's thread list: a `RemoteThreadListAdapter`
 * for `useRemoteThreadListRuntime`, so `ThreadListPrimitive` and `ThreadListItemPrimitive` list,
 * open, rename and delete them.
 *
 * A new thread exists on the server from its first run. Its id is chosen here, from the id
 * assistant-ui gives the new thread locally, so the first run can name its thread before the
 * runtime has finished `initialize`.
 */
import type { RemoteThreadListAdapter } from "@assistant-ui/react";
import type { CrewClient, ThreadRecord } from "../../../src/client/index.js";

/** Prefix of the ids assistant-ui gives threads that are not yet initialized. */
const LOCAL_ID_PREFIX = "__LOCALID_";

/** The server thread id of a thread assistant-ui created locally (`__LOCALID_<id>`). */
export function serverThreadId(localId: string): string {
  return `t-${localId.startsWith(LOCAL_ID_PREFIX) ? localId.slice(LOCAL_ID_PREFIX.length) : localId}`;
}

/** What the list shows of a thread besides its title. */
export interface ThreadListCustom {
  runCount: number;
}

type ThreadMetadata = Awaited<ReturnType<RemoteThreadListAdapter["fetch"]>>;

function toMetadata(thread: ThreadRecord): ThreadMetadata {
  const custom: ThreadListCustom = { runCount: thread.runCount };
  return {
    status: "regular",
    remoteId: thread.threadId,
    title: thread.title,
    lastMessageAt: new Date(thread.updatedAt),
    custom: { ...custom },
  };
}

/** The thread list adapter over `client`. */
export function crewThreadList(client: CrewClient): RemoteThreadListAdapter {
  return {
    async list(page) {
      const { threads, nextCursor } = await client.listThreads({
        limit: 50,
        ...(page?.after === undefined ? {} : { before: page.after }),
      });
      return { threads: threads.map(toMetadata), nextCursor };
    },
    async fetch(threadId) {
      return toMetadata(await client.getThread(threadId));
    },
    async initialize(localId) {
      return { remoteId: serverThreadId(localId), externalId: undefined };
    },
    async rename(remoteId, title) {
      await client.renameThread(remoteId, title);
    },
    async delete(remoteId) {
      await client.deleteThread(remoteId);
    },
    // Threads are deleted, not archived; the list offers no archive action.
    archive: () => Promise.reject(new Error("Threads cannot be archived; delete them instead.")),
    unarchive: () => Promise.reject(new Error("Threads cannot be archived.")),
    // The server names a thread after its first message: nothing to generate.
    generateTitle: async () =>
      new ReadableStream({
        start(controller) {
          controller.close();
        },
      }),
  };
}
