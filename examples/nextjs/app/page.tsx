import { ChatRuntimeProvider } from "../components/ChatRuntimeProvider";
import { Thread } from "../components/Thread";

export default function Page() {
  return (
    <main className="page">
      <h1>Research crew</h1>
      <ChatRuntimeProvider crew="research">
        <Thread />
      </ChatRuntimeProvider>
    </main>
  );
}
