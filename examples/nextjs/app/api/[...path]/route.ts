/**
 * The rest of crewstream's API, which the chat client uses after starting a run: resuming a
 * stream (`GET /api/runs/:id/events`), cancel, human input, the crews and run history, and
 * `POST /api/chat` for AI SDK `useChat` clients.
 */
import { crewstream } from "../../../lib/crewstream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = crewstream;
export const POST = crewstream;
