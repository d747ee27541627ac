"use client";
/**
 * A chat on the AI SDK's own client (`AbstractChat` with its `DefaultChatTransport`: what
 * `useChat` wraps) against crewstream's `/api/chat`. The chat id lives in the URL, so a reload
 * resumes the running answer with `GET /api/chat/:id/stream`; Stop closes the stream and
 * cancels the run with `POST /api/chat/:id/cancel`.
 */
import { AbstractChat, DefaultChatTransport } from "ai";
import type { ChatState, ChatStatus, UIMessage } from "ai";
import { useEffect, useState, useSyncExternalStore } from "react";

/** The chat state in React: every change bumps a version React subscribes to. */
class ReactChatState implements ChatState<UIMessage> {
  messages: UIMessage[] = [];
  error: Error | undefined = undefined;
  #status: ChatStatus = "ready";
  #version = 0;
  readonly #listeners = new Set<() => void>();

  get status(): ChatStatus {
    return this.#status;
  }
  set status(status: ChatStatus) {
    this.#status = status;
    this.#changed();
  }
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  version = (): number => this.#version;
  pushMessage = (message: UIMessage): void => {
    this.messages = [...this.messages, message];
    this.#changed();
  };
  popMessage = (): void => {
    this.messages = this.messages.slice(0, -1);
    this.#changed();
  };
  replaceMessage = (index: number, message: UIMessage): void => {
    this.messages = this.messages.map((m, i) => (i === index ? message : m));
    this.#changed();
  };
  snapshot = <T,>(thing: T): T => structuredClone(thing);
  #changed(): void {
    this.#version += 1;
    for (const listener of this.#listeners) listener();
  }
}

class ResumableCrewChat extends AbstractChat<UIMessage> {
  constructor(
    id: string,
    readonly view: ReactChatState,
  ) {
    super({
      id,
      state: view,
      transport: new DefaultChatTransport({ api: "/api/chat", body: { crew: "research" } }),
    });
  }
}

function chatIdFromUrl(): string {
  const url = new URL(location.href);
  const id = url.searchParams.get("id") ?? crypto.randomUUID();
  url.searchParams.set("id", id);
  history.replaceState(null, "", url);
  return id;
}

const textOf = (message: UIMessage): string =>
  message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");

export function ResumableChat() {
  const [chat, setChat] = useState<ResumableCrewChat>();
  const [text, setText] = useState("");
  useEffect(() => {
    const created = new ResumableCrewChat(chatIdFromUrl(), new ReactChatState());
    setChat(created);
    // After a reload: continue the answer that was streaming, if any (204 otherwise).
    void created.resumeStream();
  }, []);
  const view = chat?.view;
  useSyncExternalStore(
    view?.subscribe ?? (() => () => undefined),
    view?.version ?? (() => 0),
    () => 0,
  );
  if (!chat || !view) return null;
  const busy = view.status === "submitted" || view.status === "streaming";
  const stop = (): void => {
    void chat.stop();
    void fetch(`/api/chat/${encodeURIComponent(chat.id)}/cancel`, { method: "POST" });
  };
  return (
    <section className="resumable-chat" data-status={view.status}>
      <ol className="chat-messages">
        {view.messages.map((message) => (
          <li key={message.id} className={`chat-message ${message.role}`}>
            {textOf(message)}
          </li>
        ))}
      </ol>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim() === "") return;
          void chat.sendMessage({ text });
          setText("");
        }}
      >
        <input
          aria-label="message"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        {busy ? (
          <button type="button" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </section>
  );
}
