/**
 * The rest of crewstream's API, which the chat client uses after starting a run: resuming a
 * stream (`GET /api/runs/:id/events`), cancel, human input, the crews, run history and threads
 * (`/api/threads`, renamed with PATCH and deleted with DELETE), and `POST /api/chat` with its
 * resume call `GET /api/chat/:id/stream` for AI SDK `useChat` clients.
 */
import { crewstream } from "../../../lib/crewstream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = crewstream;
export const POST = crewstream;
export const PATCH = crewstream;
export const DELETE = crewstream;
