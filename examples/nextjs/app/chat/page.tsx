import { ResumableChat } from "../../components/ResumableChat";

/** The crew behind the AI SDK's chat client: reload to resume, Stop to cancel. */
export default function ChatPage() {
  return (
    <main className="page">
      <h1>Research crew, AI SDK chat</h1>
      <ResumableChat />
    </main>
  );
}
